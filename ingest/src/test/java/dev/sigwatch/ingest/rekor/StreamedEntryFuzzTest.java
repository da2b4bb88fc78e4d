package dev.sigwatch.ingest.rekor;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sigwatch.core.merkle.Rfc6962;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * Jazzer target for {@link StreamedEntry}, the streaming reader of a Rekor v1 answer over the response limit. The
 * invariant: a value or an {@link IOException} (its {@code MalformedResponseException}), never another exception;
 * a value accounts for every byte of the answer (count, SHA-256, prefix), keeps at most {@code keep} bytes, and its
 * leaf hash is that of the body a tree read decodes. Without {@code JAZZER_FUZZ} the inputs under
 * {@code StreamedEntryFuzzTestInputs/streamedEntry} are replayed.
 */
class StreamedEntryFuzzTest {
  private static final int KEEP = 16;

  @FuzzTest(maxDuration = "10m", maxExecutions = 500_000)
  void streamedEntry(byte[] answer) throws Exception {
    StreamedEntry e;
    try {
      e = StreamedEntry.read(new ByteArrayInputStream(answer), KEEP);
    } catch (IOException expected) {
      return; // a value or the reader's IOException
    }
    assertThat(e.rawBytes()).isEqualTo(answer.length);
    assertThat(e.rawSha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(answer));
    assertThat(e.rawPrefix()).isEqualTo(Arrays.copyOf(answer, Math.min(KEEP, answer.length)));
    if (e.bodyError() != null) {
      return;
    }
    assertThat(e.bodyPrefix().length).isLessThanOrEqualTo(KEEP);
    String text = bodyText(answer);
    if (text != null) { // the tree read agrees on what the body is
      byte[] body = Base64.getMimeDecoder().decode(text);
      assertThat(e.bodyBytes()).isEqualTo(body.length);
      assertThat(e.leafHash()).isEqualTo(Rfc6962.leafHash(body));
    }
  }

  /** The body string as Jackson's tree read sees it, when it is plain standard base64 (else null: no oracle). */
  private static String bodyText(byte[] answer) {
    try {
      var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer);
      var entry = tree.path(0).elements().hasNext() ? tree.path(0).elements().next() : null;
      if (entry == null || !entry.path("body").isTextual()) {
        return null;
      }
      String s = entry.path("body").asText();
      return s.matches("[A-Za-z0-9+/]*={0,2}") && s.length() % 4 == 0 ? s : null;
    } catch (IOException | RuntimeException noOracle) {
      return null;
    }
  }
}
