package dev.sigwatch.core.ct;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code extra_data} of an RFC 6962 get-entries result (§4.6): for an x509_entry the issuing chain
 * (X509ChainEntry minus the leaf, which is in the leaf_input); for a precert_entry the submitted
 * precertificate and its chain (PrecertChainEntry).
 *
 * <p>Byte arrays are owned by the record: callers must not modify what they pass in or get back.
 *
 * @param preCertificate the DER precertificate of a precert entry, null for an x509 entry
 * @param chain the DER issuer certificates, closest issuer first
 */
public record ExtraData(byte[] preCertificate, List<byte[]> chain) {
  public ExtraData {
    chain = List.copyOf(chain);
  }

  /** Decodes the extra_data of an entry of type {@code type}. */
  public static ExtraData parse(LogEntryType type, byte[] extraData) throws CtFormatException {
    TlsReader r = new TlsReader(extraData);
    byte[] pre = type == LogEntryType.PRECERT_ENTRY ? r.opaque(3, 1, "pre_certificate") : null;
    List<byte[]> chain = readCerts(r.sub(3, type == LogEntryType.PRECERT_ENTRY
        ? "precertificate_chain" : "certificate_chain"));
    r.expectEnd("extra_data");
    return new ExtraData(pre, chain);
  }

  /** The TLS encoding of this extra_data. */
  public byte[] encode() {
    TlsWriter certs = new TlsWriter();
    for (byte[] c : chain) {
      certs.opaque(c, 3);
    }
    TlsWriter w = new TlsWriter();
    if (preCertificate != null) {
      w.opaque(preCertificate, 3);
    }
    return w.opaque(certs.toByteArray(), 3).toByteArray();
  }

  private static List<byte[]> readCerts(TlsReader r) throws CtFormatException {
    List<byte[]> out = new ArrayList<>();
    while (r.remaining() > 0) {
      out.add(r.opaque(3, 1, "ASN.1Cert"));
    }
    return out;
  }
}
