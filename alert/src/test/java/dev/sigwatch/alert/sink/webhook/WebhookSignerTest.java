package dev.sigwatch.alert.sink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.alert.sink.Secret;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {
  // The test vector published with the Standard Webhooks specification (standard-webhooks repository).
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long TIMESTAMP = 1614265330;
  static final String BODY = "{\"test\": 2432232314}";
  static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Test
  void reproducesTheSpecificationsTestVector() {
    assertThat(new WebhookSigner(List.of(Secret.of(SECRET))).signature(ID, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
  }

  @Test
  void aSecretWithoutPrefixIsTheSameKey() {
    assertThat(new WebhookSigner(List.of(Secret.of(SECRET.substring(6)))).signature(ID, TIMESTAMP, BODY))
        .isEqualTo(SIGNATURE);
  }

  @Test
  void rotationSignsWithEverySecretInOrder() {
    String other = "whsec_c2VjcmV0LW9mLWEtcm90YXRlZC1lbmRwb2ludA==";
    String sig = new WebhookSigner(List.of(Secret.of(other), Secret.of(SECRET))).signature(ID, TIMESTAMP, BODY);
    String[] parts = sig.split(" ");
    assertThat(parts).hasSize(2);
    assertThat(parts[1]).isEqualTo(SIGNATURE);
    assertThat(parts[0]).startsWith("v1,").isNotEqualTo(SIGNATURE);
  }

  @Test
  void anyChangeOfIdTimestampOrBodyChangesTheSignature() {
    WebhookSigner s = new WebhookSigner(List.of(Secret.of(SECRET)));
    assertThat(s.signature(ID + "x", TIMESTAMP, BODY)).isNotEqualTo(SIGNATURE);
    assertThat(s.signature(ID, TIMESTAMP + 1, BODY)).isNotEqualTo(SIGNATURE);
    assertThat(s.signature(ID, TIMESTAMP, BODY + " ")).isNotEqualTo(SIGNATURE);
  }

  @Test
  void aBadSecretIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> new WebhookSigner(List.of(Secret.of("whsec_not*base64!"))))
        .hasMessageStartingWith("secrets[0] is not whsec_ followed by base64")
        .hasMessageNotContaining("not*base64!");
    assertThatThrownBy(() -> new WebhookSigner(List.of(Secret.of("whsec_c2hvcnQ="))))
        .hasMessage("secrets[0] is shorter than 16 bytes");
  }
}
