package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.RekorEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The audit's leaf hash: of the leaf, or the one ingest computed when the entry was too big for one Kafka record. */
class AuditInputTest {
  private static final byte[] BODY = "{\"kind\":\"hashedrekord\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void aWholeEntryIsHashedAndATruncatedOneUsesTheLeafHashIngestComputed() {
    RekorEntry whole = RekorEntry.newBuilder().setLogId("l").setLogType(LogType.REKOR_V1).setLeafIndex(3).setLogIndex(3)
        .setBody(ByteBuffer.wrap(BODY)).setObservedAtMillis(0).build();
    assertThat(((AuditInput.Entry) AuditInput.of(whole)).leafHash()).isEqualTo(Rfc6962.leafHash(BODY));

    byte[] served = Rfc6962.leafHash("the 3 MiB body as served".getBytes(StandardCharsets.UTF_8));
    RekorEntry cut = RekorEntry.newBuilder(whole).setBody(ByteBuffer.wrap(BODY, 0, 4).slice())
        .setLeafHash(ByteBuffer.wrap(served)).setServedBytes(3L << 20).build();
    assertThat(((AuditInput.Entry) AuditInput.of(cut)).leafHash()).isEqualTo(served);

    CtEntry ct = CtEntry.newBuilder().setLogId("c").setLogType(LogType.CT).setIndex(1)
        .setLeafInput(ByteBuffer.wrap(BODY, 0, 4).slice()).setExtraData(ByteBuffer.allocate(0)).setObservedAtMillis(0)
        .setLeafHash(ByteBuffer.wrap(served)).setServedBytes(3L << 20).build();
    assertThat(((AuditInput.Entry) AuditInput.of(ct)).leafHash()).isEqualTo(served);
  }
}
