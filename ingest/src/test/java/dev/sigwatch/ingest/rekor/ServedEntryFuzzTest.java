package dev.sigwatch.ingest.rekor;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sigwatch.ingest.http.MalformedResponseException;
import dev.sigwatch.schemas.ServedRaw;
import java.util.Arrays;
import java.util.Base64;

/**
 * Jazzer target for {@link ServedEntry}, the reader of every served Rekor v1 entry. The invariant: a value or a
 * {@link MalformedResponseException}, never another exception; a value's body text, when it is cut out of the JSON
 * the entries topic keeps, is exactly {@code base64(body)} at that place, so the served bytes come back whole. Without
 * {@code JAZZER_FUZZ} the inputs under {@code ServedEntryFuzzTestInputs/servedEntry} are replayed.
 */
class ServedEntryFuzzTest {
  @FuzzTest(maxDuration = "10m", maxExecutions = 500_000)
  void servedEntry(byte[] served) {
    ServedEntry e;
    try {
      e = ServedEntry.parse(served);
    } catch (MalformedResponseException expected) {
      return;
    }
    byte[] kept = e.rawForTopic();
    if (e.bodyFrom() < 0) {
      assertThat(kept).isSameAs(e.raw());
      return;
    }
    byte[] text = Base64.getEncoder().encode(e.body());
    assertThat(Arrays.copyOfRange(e.raw(), e.bodyFrom(), e.bodyTo())).isEqualTo(text);
    assertThat(kept.length).isEqualTo(e.raw().length - text.length);
    assertThat(ServedRaw.served(ServedEntryTest.topicRecord(e))).isEqualTo(e.raw());
  }
}
