package dev.sigwatch.ingest.rekor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.ingest.http.MalformedResponseException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class StreamedEntryTest {

  @Test
  void aBodyLongerThanJacksonsStringLimitIsHashedAsItStreams() throws Exception {
    byte[] body = new byte[24 << 20]; // 32 MiB of base64: over Jackson's 20M-character string limit
    Arrays.fill(body, (byte) 'x');
    byte[] answer = ("[{\"uuidhex\":{\"body\":\"" + Base64.getEncoder().encodeToString(body)
        + "\",\"integratedTime\":17,\"logIndex\":42,\"verification\":{\"inclusionProof\":{\"logIndex\":42}}}}]")
        .getBytes(StandardCharsets.US_ASCII);
    StreamedEntry e = StreamedEntry.read(new ByteArrayInputStream(answer), 100);
    assertThat(e.uuid()).isEqualTo("uuidhex");
    assertThat(e.logIndex()).isEqualTo(42);
    assertThat(e.integratedTime()).hasValue(17);
    assertThat(e.bodyBytes()).isEqualTo(body.length);
    assertThat(e.leafHash()).isEqualTo(Rfc6962.leafHash(body));
    assertThat(e.bodyPrefix()).isEqualTo(Arrays.copyOf(body, 100));
    assertThat(e.rawBytes()).isEqualTo(answer.length);
    assertThat(e.rawPrefix()).isEqualTo(Arrays.copyOf(answer, 100));
    assertThat(e.bodyError()).isNull();
  }

  @Test
  void aBodyThatIsNotBase64IsAnErrorOfTheEntryNotOfTheAnswer() throws Exception {
    byte[] answer = "[{\"u\":{\"logIndex\":7,\"body\":\"not base64!\"}}] trailing".getBytes(StandardCharsets.US_ASCII);
    StreamedEntry e = StreamedEntry.read(new ByteArrayInputStream(answer), 8);
    assertThat(e.bodyError()).startsWith("body is not base64");
    assertThat(e.logIndex()).isEqualTo(7);
    assertThat(e.rawBytes()).as("hashed to the end").isEqualTo(answer.length);
  }

  @Test
  void anAnswerThatIsNotOneEntryIsMalformed() {
    assertThatThrownBy(() -> StreamedEntry.read(new ByteArrayInputStream("[{\"a\":{\"logIndex\":1}},{}]"
        .getBytes(StandardCharsets.US_ASCII)), 8)).isInstanceOf(MalformedResponseException.class)
        .hasMessage("retrieve (streamed): want exactly one {uuid: entry}");
    assertThatThrownBy(() -> StreamedEntry.read(new ByteArrayInputStream("{}".getBytes(StandardCharsets.US_ASCII)), 8))
        .isInstanceOf(MalformedResponseException.class).hasMessage("retrieve (streamed): want [{uuid: entry}]");
  }
}
