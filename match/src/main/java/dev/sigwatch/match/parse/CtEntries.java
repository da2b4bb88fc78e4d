package dev.sigwatch.match.parse;

import dev.sigwatch.core.ct.CtFormatException;
import dev.sigwatch.core.ct.ExtraData;
import dev.sigwatch.core.ct.LogEntryType;
import dev.sigwatch.core.ct.MerkleTreeLeaf;
import dev.sigwatch.core.ct.PrecertTbs;
import dev.sigwatch.core.ct.TileLeaf;
import dev.sigwatch.core.ct.TimestampedEntry;
import dev.sigwatch.core.x509.CertificateParseException;
import dev.sigwatch.core.x509.FulcioCertificate;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import dev.sigwatch.schemas.LogType;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Turns a CT log entry (RFC 6962 or static-ct) into an issuance {@link IdentityEvent}: identities from the
 * precertificate (or certificate), {@code tbsHash} from the logged TBS. Stateless and thread-safe.
 */
public final class CtEntries {
  private CtEntries() {}

  public static IdentityEvent fromCt(CtEntry entry) throws EntryParseException {
    try {
      TimestampedEntry te = MerkleTreeLeaf.parse(IdentityEvents.bytes(entry.getLeafInput())).entry();
      byte[] certDer;
      List<byte[]> chain;
      if (entry.getLogType() == LogType.STATIC_CT && entry.getTileLeaf() != null) {
        List<TileLeaf> leaves = TileLeaf.parseTile(IdentityEvents.bytes(entry.getTileLeaf()));
        if (leaves.size() != 1) {
          throw new EntryParseException("tileLeaf: want exactly 1 leaf, got " + leaves.size());
        }
        certDer = te.entryType() == LogEntryType.PRECERT_ENTRY ? leaves.get(0).preCertificate() : te.certificate();
        chain = List.of();
      } else {
        ExtraData extra = ExtraData.parse(te.entryType(), IdentityEvents.bytes(entry.getExtraData()));
        certDer = te.entryType() == LogEntryType.PRECERT_ENTRY ? extra.preCertificate() : te.certificate();
        chain = extra.chain();
      }
      FulcioCertificate cert = FulcioCertificate.parse(certDer);
      IdentityEvent e = IdentityEvents.empty();
      e.setSource(IdentitySource.CT);
      e.setLogId(entry.getLogId());
      e.setLogIndex(entry.getIndex());
      e.setIntegratedTime(te.timestamp() / 1000);
      e.setEntryKind(te.entryType() == LogEntryType.PRECERT_ENTRY ? "precert_entry" : "x509_entry");
      e.setEntryVersion("v1");
      e.setObservedAtMillis(entry.getObservedAtMillis());
      IdentityEvents.fillCert(e, cert);
      for (byte[] c : chain) {
        e.getChainDer().add(ByteBuffer.wrap(c));
      }
      byte[] tbs = te.entryType() == LogEntryType.PRECERT_ENTRY
          ? te.certificate() : PrecertTbs.fromFinalCertificate(cert.certificate());
      e.setTbsHash(PrecertTbs.tbsHash(tbs));
      return e;
    } catch (CtFormatException | CertificateParseException | RuntimeException e) {
      throw new EntryParseException("ct entry " + entry.getLogId() + "/" + entry.getIndex() + ": " + e.getMessage(), e);
    }
  }
}
