package dev.sigwatch.match.parse;

import dev.sigwatch.core.ct.CtFormatException;
import dev.sigwatch.core.ct.ExtraData;
import dev.sigwatch.core.ct.LogEntryType;
import dev.sigwatch.core.ct.MerkleTreeLeaf;
import dev.sigwatch.core.ct.PrecertTbs;
import dev.sigwatch.core.ct.TileLeaf;
import dev.sigwatch.core.ct.TimestampedEntry;
import dev.sigwatch.core.x509.CertificateParseException;
import dev.sigwatch.core.x509.Certificates;
import dev.sigwatch.core.x509.FulcioCertificate;
import dev.sigwatch.core.x509.ParsedCertificate;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import dev.sigwatch.schemas.LogType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;

/**
 * Turns a CT log entry (RFC 6962 or static-ct) into an issuance {@link IdentityEvent}. Stateless and thread-safe.
 *
 * <p><b>Identities come from the Merkle leaf</b>, the bytes the signed tree authenticates: the certificate of an
 * {@code x509_entry}, the TBSCertificate of a {@code precert_entry}. The precertificate in {@code extra_data} is not
 * covered by the leaf hash, so a log could show the watchlist one identity while logging another; it is only used
 * for what the leaf lacks (its signature, for the chain check) and only when its TBS, poison removed, is the leaf's
 * TBS. When it is not, the entry is still reported with the leaf's identities, and the disagreement is an anomaly of
 * its own ({@link Result#extraDataMismatch()}); so is an {@code extra_data} that cannot be read at all (the entry is
 * reported with the leaf's identities and no chain, not rejected: a leaf is never lost to the bytes around it).
 */
public final class CtEntries {
  private CtEntries() {}

  /**
   * A CT entry's issuance event.
   *
   * @param event identities from the leaf
   * @param extraDataMismatch null when {@code extra_data} agrees with the leaf, else what differs
   */
  public record Result(IdentityEvent event, String extraDataMismatch) {}

  /** The issuance event of {@code entry}, identities from the leaf (see {@link #parse}). */
  public static IdentityEvent fromCt(CtEntry entry) throws EntryParseException {
    return parse(entry).event();
  }

  public static Result parse(CtEntry entry) throws EntryParseException {
    try {
      TimestampedEntry te = MerkleTreeLeaf.parse(IdentityEvents.bytes(entry.getLeafInput())).entry();
      boolean precert = te.entryType() == LogEntryType.PRECERT_ENTRY;
      byte[] extraCert;
      List<byte[]> chain;
      String unreadable = null;
      if (entry.getLogType() == LogType.STATIC_CT && entry.getTileLeaf() != null) {
        List<TileLeaf> leaves = TileLeaf.parseTile(IdentityEvents.bytes(entry.getTileLeaf()));
        if (leaves.size() != 1) {
          throw new EntryParseException("tileLeaf: want exactly 1 leaf, got " + leaves.size());
        }
        extraCert = precert ? leaves.get(0).preCertificate() : null;
        chain = List.of();
      } else {
        // extra_data is not covered by the leaf hash: unreadable, it costs the chain, not the leaf's identities.
        ExtraData extra = null;
        try {
          extra = ExtraData.parse(te.entryType(), IdentityEvents.bytes(entry.getExtraData()));
        } catch (CtFormatException | RuntimeException bad) {
          unreadable = "extra_data cannot be read: " + bad.getMessage();
        }
        extraCert = precert && extra != null ? extra.preCertificate() : null;
        chain = extra == null ? List.of() : extra.chain();
      }
      byte[] tbs;
      FulcioCertificate cert;
      String mismatch = null;
      byte[] der;
      if (precert) {
        tbs = te.certificate();
        cert = FulcioCertificate.parse(unsigned(tbs));
        mismatch = unreadable != null ? unreadable : disagreement(tbs, extraCert);
        der = mismatch == null ? extraCert : null;
      } else {
        cert = FulcioCertificate.parse(te.certificate());
        tbs = PrecertTbs.fromFinalCertificate(cert.certificate());
        der = te.certificate();
        mismatch = unreadable;
      }
      IdentityEvent e = IdentityEvents.empty();
      e.setSource(IdentitySource.CT);
      e.setLogId(entry.getLogId());
      e.setLogIndex(entry.getIndex());
      e.setIntegratedTime(te.timestamp() / 1000);
      e.setEntryKind(precert ? "precert_entry" : "x509_entry");
      e.setEntryVersion("v1");
      e.setObservedAtMillis(entry.getObservedAtMillis());
      IdentityEvents.fillCert(e, cert);
      if (precert) {
        // The leaf holds no signature: the certificate and its fingerprint are those of the agreeing precertificate.
        e.setCertificateDer(der == null ? null : ByteBuffer.wrap(der));
        e.setCertFingerprint(der == null ? "tbs:" + PrecertTbs.tbsHash(tbs)
            : java.util.HexFormat.of().formatHex(Certificates.sha256(der)));
      }
      for (byte[] c : chain) {
        e.getChainDer().add(ByteBuffer.wrap(c));
      }
      e.setTbsHash(PrecertTbs.tbsHash(tbs));
      return new Result(e, mismatch);
    } catch (CtFormatException | CertificateParseException | RuntimeException e) {
      throw new EntryParseException("ct entry " + entry.getLogId() + "/" + entry.getIndex() + ": " + e.getMessage(), e);
    }
  }

  /** Null if the precertificate's TBS (poison removed) is the leaf's TBS, else how they differ. */
  private static String disagreement(byte[] leafTbs, byte[] precertDer) {
    if (precertDer == null) {
      return "extra_data holds no precertificate";
    }
    try {
      byte[] extraTbs = PrecertTbs.fromFinalCertificate(ParsedCertificate.parse(precertDer));
      return Arrays.equals(extraTbs, leafTbs) ? null
          : "the precertificate in extra_data (TBS " + PrecertTbs.tbsHash(extraTbs)
              + ") is not the one in the Merkle leaf (TBS " + PrecertTbs.tbsHash(leafTbs) + ")";
    } catch (CtFormatException | CertificateParseException | RuntimeException e) {
      return "the precertificate in extra_data cannot be read: " + e.getMessage();
    }
  }

  /**
   * A certificate around a bare TBSCertificate ({@code SEQUENCE {tbs, tbs.signature, BIT STRING {}}}) so the X.509
   * parsers can read its fields. The signature is empty: it is never verified, only the TBS's fields are read.
   */
  static byte[] unsigned(byte[] tbsDer) throws CtFormatException {
    try {
      ASN1Sequence tbs = ASN1Sequence.getInstance(tbsDer);
      int i = tbs.getObjectAt(0) instanceof ASN1TaggedObject ? 2 : 1; // [0] version is optional
      ASN1Encodable algorithm = tbs.getObjectAt(i);
      ASN1EncodableVector v = new ASN1EncodableVector();
      v.add(tbs);
      v.add(algorithm);
      v.add(new DERBitString(new byte[0]));
      return new DERSequence(v).getEncoded(ASN1Encoding.DER);
    } catch (IOException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      throw new CtFormatException("precert TBS in the leaf is not a TBSCertificate: " + e.getMessage(), e);
    }
  }
}
