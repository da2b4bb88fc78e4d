package dev.sigwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.RekorEntry;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HeldBudgetTest {

  @Test
  void holdsWhatFitsAndTheHeadAlways() {
    HeldBudget b = new HeldBudget(100);
    assertThat(b.tryHold(60, false)).isTrue();
    assertThat(b.tryHold(50, false)).as("over the limit").isFalse();
    assertThat(b.held()).isEqualTo(60);
    assertThat(b.tryHold(500, true)).as("the head batch is the only way forward").isTrue();
    assertThat(b.held()).isEqualTo(560);
    assertThat(b.peak()).isEqualTo(560);
    b.release(500);
    b.release(60);
    assertThat(b.held()).isZero();
    assertThat(b.peak()).isEqualTo(560);
  }

  @Test
  void aDroppedBatchWaitsUntilItFitsOrBecomesTheHead() throws Exception {
    HeldBudget b = new HeldBudget(100);
    assertThat(b.tryHold(80, false)).isTrue();
    AtomicBoolean head = new AtomicBoolean();
    CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
      try {
        b.awaitRoom(50, head::get, () -> false);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    b.release(20); // 60 held: 50 more do not fit yet
    assertThat(waiting).isNotDone();
    b.release(20); // 40 held: they fit
    waiting.get(10, TimeUnit.SECONDS);

    CompletableFuture<Void> untilHead = CompletableFuture.runAsync(() -> {
      try {
        b.awaitRoom(100, head::get, () -> false);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    head.set(true); // seen at the next 100 ms poll
    untilHead.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBatchWeighsItsBuffers() {
    RekorEntry e = RekorEntry.newBuilder().setLogId("l").setLogType(LogType.REKOR_V1).setLeafIndex(1).setLogIndex(1)
        .setObservedAtMillis(0).setBody(ByteBuffer.allocate(1000)).setRaw(ByteBuffer.allocate(3000)).build();
    assertThat(HeldBudget.bytes(List.of(new Fetched.Entry(1, "l", e)))).isEqualTo(256 + 4000);
  }
}
