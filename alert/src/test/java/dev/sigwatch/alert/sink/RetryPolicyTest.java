package dev.sigwatch.alert.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  final RetryPolicy p = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(2), 5, Duration.ofSeconds(30));

  @Test
  void doublesWithJitterInTheUpperHalfUpToTheCap() {
    assertThat(p.delay(1, null, () -> 0.0)).isEqualTo(Duration.ofMillis(50));
    assertThat(p.delay(1, null, () -> 0.999)).isEqualTo(Duration.ofMillis(99));
    assertThat(p.delay(3, null, () -> 0.0)).isEqualTo(Duration.ofMillis(200));
    assertThat(p.delay(3, null, () -> 0.999)).isEqualTo(Duration.ofMillis(399));
    assertThat(p.delay(10, null, () -> 0.999)).isEqualTo(Duration.ofMillis(1999));
    assertThat(p.delay(63, null, () -> 0.0)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void retryAfterWinsWhenLongerButNeverBeyondResumeAfter() {
    assertThat(p.delay(1, Duration.ofSeconds(3), () -> 0.5)).isEqualTo(Duration.ofSeconds(3));
    assertThat(p.delay(1, Duration.ofMillis(10), () -> 0.0)).isEqualTo(Duration.ofMillis(50));
    assertThat(p.delay(1, Duration.ofHours(5), () -> 0.0)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, Duration.ofSeconds(1), 1, Duration.ofSeconds(1)))
        .hasMessage("backoff must be > 0, was PT0S");
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 1, Duration.ofSeconds(1)))
        .hasMessage("maxBackoff must be >= backoff (PT2S), was PT1S");
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0, Duration.ofSeconds(1)))
        .hasMessage("suspendAfter must be >= 1, was 0");
  }
}
