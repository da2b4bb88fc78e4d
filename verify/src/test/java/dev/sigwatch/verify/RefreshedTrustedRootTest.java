package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.trust.TrustedRoot;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A key published in a refreshed trusted root after startup verifies without a restart. */
class RefreshedTrustedRootTest {
  static final long T = Harness.T0.toEpochMilli();
  static final String V1_URL = "https://rekor.private.example/tlog";
  static final String V1B_URL = "https://rekor.private.example/tlog-2";

  @Test
  void aKeyAddedToTheTrustedRootAfterStartupVerifiesAtTheNextCheckpoint() throws Exception {
    TestLog before = TestLog.rekorV1("rekor-01.internal", 1111).grow(10);
    TestLog rotated = TestLog.rekorV1("rekor-01.internal", 2222).grow(10);
    TrustedRoot first = TrustedRoot.parse(TestLog.trustedRoot(CheckpointKeyLookupTest.tlog(before, V1_URL)));
    AtomicReference<TrustedRoot> current = new AtomicReference<>(first);
    CheckpointSignatures s = new CheckpointSignatures(current::get, Map.of());

    var served = CheckpointKeyLookupTest.servedAt(rotated.checkpoint(10, T), V1B_URL, "/api/v1/log");
    assertThat(s.verify(served)).isInstanceOf(SignatureOutcome.UnknownKey.class);

    current.set(TrustedRoot.parse(TestLog.trustedRoot(CheckpointKeyLookupTest.tlog(before, V1_URL),
        CheckpointKeyLookupTest.tlog(rotated, V1B_URL))));
    assertThat(s.verify(served)).isInstanceOf(SignatureOutcome.Valid.class);
    assertThat(s.verify(CheckpointKeyLookupTest.servedAt(before.checkpoint(10, T), V1_URL, "/api/v1/log")))
        .isInstanceOf(SignatureOutcome.Valid.class);
  }

  @Test
  void settingsHandOutTheCurrentRootAndFallBackToTheStartupOne() throws Exception {
    TrustedRoot startup = TrustedRoot.parse(TestLog.trustedRoot(CheckpointKeyLookupTest.tlog(
        TestLog.rekorV1("a.internal", 1).grow(1), V1_URL)));
    TrustedRoot later = TrustedRoot.parse(TestLog.trustedRoot(CheckpointKeyLookupTest.tlog(
        TestLog.rekorV1("b.internal", 2).grow(1), V1B_URL)));
    AtomicReference<TrustedRoot> current = new AtomicReference<>();
    VerifySettings settings = VerifySettings.of(startup).withCurrentRoot(current::get).withIncidentQuiet(
        java.time.Duration.ofMinutes(5));
    assertThat(settings.rootNow()).isSameAs(startup);
    current.set(later);
    assertThat(settings.rootNow()).isSameAs(later);
  }
}
