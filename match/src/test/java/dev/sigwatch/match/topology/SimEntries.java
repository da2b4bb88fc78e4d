package dev.sigwatch.match.topology;

import dev.sigwatch.core.ct.ExtraData;
import dev.sigwatch.core.ct.MerkleTreeLeaf;
import dev.sigwatch.core.ct.PrecertTbs;
import dev.sigwatch.core.ct.TimestampedEntry;
import dev.sigwatch.core.x509.Certificates;
import dev.sigwatch.core.x509.TrustedCa;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.IssuedCert;
import dev.sigwatch.simulator.ca.SimCa;
import dev.sigwatch.simulator.rekorv1.V1Bodies;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Rekor and CT entries for certificates issued by the simulator's Fulcio-like CA (or a lookalike one). */
public final class SimEntries {
  public static final String REKOR = "rekor.sim - 1";
  public static final String CT = "ct.sim/2022";

  private SimEntries() {}

  public static TrustedCa trusted(SimCa ca) {
    return new TrustedCa("https://fulcio.sim", ca.chain(), ca.notBefore(), null);
  }

  public static IssuedCert issue(SimCa ca, Identity id, Instant at) {
    return ca.issue(id, at, List.of());
  }

  public static RekorEntry rekor(IssuedCert c, long index, Instant integrated) {
    byte[] digest = Certificates.sha256(("artifact " + index).getBytes(StandardCharsets.UTF_8));
    byte[] body = V1Bodies.template(V1Bodies.Kind.HASHEDREKORD_CERT, c.certificate(), null,
        V1Bodies.signDigest(c.subjectKey().getPrivate(), digest)).render(digest);
    return rekorBody(body, index, integrated);
  }

  public static RekorEntry rekorBody(byte[] body, long index, Instant integrated) {
    return RekorEntry.newBuilder().setLogId(REKOR).setLogType(LogType.REKOR_V1).setLeafIndex(index).setLogIndex(index)
        .setUuid(String.format("%064x", index)).setIntegratedTime(integrated.getEpochSecond())
        .setBody(ByteBuffer.wrap(body)).setObservedAtMillis(integrated.toEpochMilli()).build();
  }

  public static CtEntry ct(SimCa ca, IssuedCert c, long index, Instant at) throws Exception {
    TimestampedEntry te = TimestampedEntry.precert(at.toEpochMilli(),
        PrecertTbs.issuerKeyHash(ca.intermediate().getPublicKey()), PrecertTbs.fromPrecertificate(c.precertificate()),
        new byte[0]);
    ExtraData extra = new ExtraData(c.precertificate().getEncoded(),
        List.of(ca.intermediate().getEncoded(), ca.root().getEncoded()));
    return CtEntry.newBuilder().setLogId(CT).setLogType(LogType.CT).setIndex(index)
        .setLeafInput(ByteBuffer.wrap(new MerkleTreeLeaf(te).encode())).setExtraData(ByteBuffer.wrap(extra.encode()))
        .setObservedAtMillis(at.toEpochMilli()).build();
  }

}
