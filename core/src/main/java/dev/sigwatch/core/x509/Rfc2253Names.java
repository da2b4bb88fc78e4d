package dev.sigwatch.core.x509;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * Names in the RFC 2253 form the JDK writes (what {@code X509Certificate}'s principals gave), remembered by the
 * name's encoded bytes: a log's certificates name a handful of issuers (Fulcio's intermediates) and Fulcio leaves an
 * empty subject, so nearly every name was converted before (BouncyCastle's re-encoding, then the JDK's parser and
 * writer: 5% of matching an entry). The form is a function of the bytes alone — the same bytes decode to the same
 * BouncyCastle name, which re-encodes and converts the same way — so remembering it changes no result.
 *
 * <p>Bounded: at most {@link #MAX_NAMES} names of at most {@link #MAX_NAME_BYTES} bytes each are kept (~0.5 MB); when
 * full the memory is emptied, so certificates with ever new names (a hostile log) cost what they cost before and no
 * more memory. Thread-safe.
 */
final class Rfc2253Names {
  static final int MAX_NAMES = 1024;
  static final int MAX_NAME_BYTES = 512;

  private static final ConcurrentHashMap<Key, String> KNOWN = new ConcurrentHashMap<>();

  private Rfc2253Names() {}

  /** The RFC 2253 form of the name encoded at {@code tlv} of {@code der}, decoded by BouncyCastle as {@code name}. */
  static String of(byte[] der, Der.Tlv tlv, Supplier<X500Name> name) throws CertificateParseException {
    int length = tlv.end() - tlv.start();
    if (length > MAX_NAME_BYTES) {
      return of(name.get());
    }
    Key probe = new Key(der, tlv.start(), tlv.end());
    String known = KNOWN.get(probe);
    if (known != null) {
      return known;
    }
    String s = of(name.get());
    if (KNOWN.size() >= MAX_NAMES) {
      KNOWN.clear();
    }
    KNOWN.put(new Key(Arrays.copyOfRange(der, tlv.start(), tlv.end()), 0, length), s);
    return s;
  }

  /** The RFC 2253 form of a BouncyCastle name: its DER encoding read by the JDK. */
  static String of(X500Name name) throws CertificateParseException {
    try {
      return new X500Principal(name.getEncoded(ASN1Encoding.DER)).getName(X500Principal.RFC2253);
    } catch (IOException | RuntimeException e) { // the JDK: a malformed name
      throw new CertificateParseException("not an X.509 certificate: " + e.getMessage(), e);
    }
  }

  /** Bytes {@code [from, to)} of an array, compared by content. */
  private static final class Key {
    private final byte[] b;
    private final int from;
    private final int to;
    private final int hash;

    Key(byte[] b, int from, int to) {
      this.b = b;
      this.from = from;
      this.to = to;
      int h = 1;
      for (int i = from; i < to; i++) {
        h = 31 * h + b[i];
      }
      this.hash = h;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(b, from, to, k.b, k.from, k.to);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
