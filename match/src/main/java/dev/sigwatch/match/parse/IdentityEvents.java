package dev.sigwatch.match.parse;

import dev.sigwatch.core.ct.CtFormatException;
import dev.sigwatch.core.ct.PrecertTbs;
import dev.sigwatch.core.x509.FulcioCertificate;
import dev.sigwatch.core.x509.FulcioExtension;
import dev.sigwatch.core.x509.ParsedCertificate;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.SubjectAltName;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds normalized {@link IdentityEvent}s: one per signer of a Rekor entry (one with no identity for a kind that
 * names no signer), one per CT entry. Stateless and thread-safe.
 */
public final class IdentityEvents {
  private IdentityEvents() {}

  /**
   * A Rekor entry's identities.
   *
   * @param events one per signer that could be read (one with no identity for a kind that names no signer); never
   *     empty
   * @param badSigners one line per signer of a multi-signer entry that could not be read; empty when all could
   */
  public record RekorIdentities(List<IdentityEvent> events, List<String> badSigners) {
    public RekorIdentities {
      events = List.copyOf(events);
      badSigners = List.copyOf(badSigners);
    }
  }

  /** Parses a Rekor entry's body and returns its identity events; never empty. Bad signers are left out. */
  public static List<IdentityEvent> fromRekor(RekorEntry entry) throws EntryParseException {
    return identities(entry).events();
  }

  /**
   * Parses a Rekor entry's body into one identity event per signer. A multi-signer entry with a bad signer keeps its
   * good signers' events and names the bad one; an entry none of whose signers can be read is malformed.
   */
  public static RekorIdentities identities(RekorEntry entry) throws EntryParseException {
    ByteBuffer body = entry.getBody();
    ParsedEntry parsed = body.hasArray()
        ? RekorBodies.parse(body.array(), body.arrayOffset() + body.position(), body.remaining())
        : RekorBodies.parse(bytes(body));
    List<IdentityEvent> out = new ArrayList<>(Math.max(1, parsed.signers().size()));
    List<String> bad = new ArrayList<>(parsed.badSigners());
    boolean several = parsed.signers().size() + bad.size() > 1;
    for (Signer s : parsed.signers()) {
      IdentityEvent e = base(entry, parsed);
      try {
        fill(e, s);
      } catch (EntryParseException | RuntimeException | StackOverflowError | OutOfMemoryError x) {
        if (!several) throw x;
        bad.add("signer " + (out.size() + bad.size()) + ": " + dev.sigwatch.schemas.dlq.RejectedRecords.reason(x));
        continue;
      }
      out.add(e);
    }
    if (out.isEmpty()) {
      if (!bad.isEmpty()) {
        throw new EntryParseException("no signer can be read: " + String.join("; ", bad));
      }
      out.add(base(entry, parsed));
    }
    return new RekorIdentities(out, bad);
  }

  private static IdentityEvent base(RekorEntry entry, ParsedEntry parsed) {
    IdentityEvent e = empty();
    e.setSource(IdentitySource.REKOR);
    e.setLogId(entry.getLogId());
    e.setLogIndex(entry.getLogIndex());
    e.setUuid(entry.getUuid());
    e.setIntegratedTime(entry.getIntegratedTime());
    e.setEntryKind(parsed.kind());
    e.setEntryVersion(parsed.version());
    e.setArtifactDigest(parsed.artifactDigest());
    e.setObservedAtMillis(entry.getObservedAtMillis());
    return e;
  }

  /** An event with every collection empty, ready for setters (cheaper than Avro's builder). */
  static IdentityEvent empty() {
    IdentityEvent e = new IdentityEvent();
    e.setSans(new ArrayList<>(2));
    e.setExtensions(new HashMap<>());
    e.setSubjects(new ArrayList<>(1));
    e.setKeyFingerprints(new ArrayList<>(1));
    e.setChainDer(new ArrayList<>(0));
    return e;
  }

  /** Copies a signer's identity fields into {@code e}. */
  static void fill(IdentityEvent e, Signer signer) throws EntryParseException {
    if (signer instanceof Signer.Key k) {
      e.getKeyFingerprints().addAll(k.fingerprints());
      e.getSubjects().addAll(k.subjects());
    } else if (signer instanceof Signer.Cert c) {
      fillCert(e, c.certificate());
      for (ParsedCertificate x : c.chain()) {
        e.getChainDer().add(ByteBuffer.wrap(x.der()));
      }
      try {
        e.setTbsHash(PrecertTbs.tbsHash(PrecertTbs.fromFinalCertificate(c.certificate().certificate())));
      } catch (CtFormatException ex) {
        throw new EntryParseException("certificate TBS: " + ex.getMessage(), ex);
      }
    }
  }

  static void fillCert(IdentityEvent e, FulcioCertificate c) {
    for (dev.sigwatch.core.x509.SubjectAltName san : c.sans()) {
      e.getSans().add(new SubjectAltName(sanType(san.type()), san.value()));
    }
    e.setOidcIssuer(c.oidcIssuer());
    Map<String, String> ext = e.getExtensions();
    for (Map.Entry<String, FulcioExtension> x : c.extensions().entrySet()) {
      ext.put(x.getKey(), x.getValue().value());
    }
    CustomExtensions.read(c.certificate(), ext);
    if (!c.subject().isEmpty()) {
      e.getSubjects().add(c.subject());
    }
    e.setCertFingerprint(c.certFingerprint());
    e.getKeyFingerprints().add(c.keyFingerprint());
    e.setCertSerial(c.serial().toString(16));
    e.setCertIssuerDn(c.issuer());
    e.setNotBeforeMillis(c.notBefore().toEpochMilli());
    e.setNotAfterMillis(c.notAfter().toEpochMilli());
    e.setCertificateDer(ByteBuffer.wrap(c.certificate().der()));
  }

  static String sanType(dev.sigwatch.core.x509.SubjectAltName.Type t) {
    return switch (t) {
      case EMAIL -> "email";
      case URI -> "uri";
      case DNS -> "dns";
      case IP -> "ip";
      case OTHER_NAME -> "otherName";
      case DIRECTORY_NAME -> "directoryName";
    };
  }

  /** The key an identity event is published under: certificate fingerprint, else first key fingerprint, else log/index. */
  public static String key(IdentityEvent e) {
    if (e.getCertFingerprint() != null) {
      return e.getCertFingerprint();
    }
    if (!e.getKeyFingerprints().isEmpty()) {
      return e.getKeyFingerprints().get(0);
    }
    return e.getLogId() + "/" + e.getLogIndex();
  }

  static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
