package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.trust.LogNoteKeys;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Checkpoint;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How verify finds a checkpoint's key on a private instance, whose names follow the conventions of real deployments
 * rather than the URL in the trusted root, and how it keeps one log from answering for another.
 */
class CheckpointKeyLookupTest {
  static final long T = Harness.T0.toEpochMilli();
  static final String START = "2025-01-01T00:00:00Z";
  static final String V1_URL = "https://rekor.private.example:8443/tlog";
  static final String OTHER_V1_URL = "https://rekor-b.private.example/tlog";
  static final String V2_URL = "https://tiles.private.example:8080/rekor/v2";

  /** Rekor v1 whose server calls itself {@code rekor-7f9c.internal}, nothing like its URL. */
  final TestLog v1 = TestLog.rekorV1("rekor-7f9c.internal", 1111).grow(20);
  /** Another Rekor v1 instance of the same operator. */
  final TestLog otherV1 = TestLog.rekorV1("rekor-b-01.internal", 2222).grow(20);
  /** Rekor v2 whose origin is the hostname of a base URL with a port and a path (sigstore-go). */
  final TestLog v2 = TestLog.rekorV2("tiles.private.example").grow(20);

  static String tlog(TestLog log, String url) {
    String entry = log.trustedRootEntry(START, null);
    return entry.replaceFirst("\"baseUrl\":\"[^\"]*\"", "\"baseUrl\":\"" + url + "\"");
  }

  CheckpointSignatures signatures(Map<String, String> origins) throws Exception {
    return new CheckpointSignatures(TrustedRoot.parse(TestLog.trustedRoot(tlog(v1, V1_URL), tlog(otherV1, OTHER_V1_URL),
        tlog(v2, V2_URL))), origins);
  }

  static Checkpoint servedAt(Checkpoint c, String url, String suffix) {
    return Checkpoint.newBuilder(c).setSourceUrl(url + suffix).build();
  }

  @Test
  void rekorV1KeyIsFoundByItsKeyHintWhateverTheServerCallsItself() throws Exception {
    SignatureOutcome got = signatures(Map.of()).verify(servedAt(v1.checkpoint(10, T), V1_URL, "/api/v1/log"));
    assertThat(got).isInstanceOf(SignatureOutcome.Valid.class);
    assertThat(((SignatureOutcome.Valid) got).keyId()).startsWith("rekor-7f9c.internal+");
  }

  @Test
  void rekorV1CheckpointOfAnotherTreeThanTheListedShardIsNotItsHead() throws Exception {
    Checkpoint c = Checkpoint.newBuilder(servedAt(v1.checkpoint(10, T), V1_URL, "/api/v1/log")).setTreeId("999").build();
    SignatureOutcome got = signatures(Map.of()).verify(c);
    assertThat(got).isInstanceOf(SignatureOutcome.UnknownKey.class);
    assertThat(((SignatureOutcome.UnknownKey) got).reason())
        .isEqualTo("checkpoint of tree 1111 was served as the head of tree 999 (" + V1_URL + "/api/v1/log)");
  }

  @Test
  void rekorV2OriginIsTheOneCandidateNameThatReproducesTheLogId() throws Exception {
    TrustedRoot root = TrustedRoot.parse(TestLog.trustedRoot(tlog(v2, V2_URL)));
    assertThat(LogNoteKeys.originCandidates(V2_URL, null)).containsExactly("tiles.private.example",
        "tiles.private.example:8080", "tiles.private.example:8080/rekor/v2");
    assertThat(LogNoteKeys.rekorV2Origin(root.tlogs().get(0), null)).hasValue("tiles.private.example");
    SignatureOutcome got = signatures(Map.of()).verify(servedAt(v2.checkpoint(10, T), V2_URL, "/api/v2/checkpoint"));
    assertThat(got).isInstanceOf(SignatureOutcome.Valid.class);
  }

  @Test
  void rekorV2OriginConfiguredAsALiteral() throws Exception {
    TestLog custom = TestLog.rekorV2("transparency-log-2026").grow(5);
    TrustedRoot root = TrustedRoot.parse(TestLog.trustedRoot(tlog(custom, V2_URL)));
    assertThat(LogNoteKeys.rekorV2Origin(root.tlogs().get(0), null)).isEmpty();
    assertThat(LogNoteKeys.rekorV2Origin(root.tlogs().get(0), "transparency-log-2026")).hasValue("transparency-log-2026");
    CheckpointSignatures s = new CheckpointSignatures(root, Map.of(V2_URL, "transparency-log-2026"));
    assertThat(s.verify(servedAt(custom.checkpoint(5, T), V2_URL, "/api/v2/checkpoint")))
        .isInstanceOf(SignatureOutcome.Valid.class);
  }

  @Test
  void aRekorV1LogCannotAnswerForAnother() throws Exception {
    // otherV1's genuine checkpoint, served where v1's head is read
    SignatureOutcome got = signatures(Map.of()).verify(servedAt(otherV1.checkpoint(10, T), V1_URL, "/api/v1/log"));
    assertThat(got).isInstanceOf(SignatureOutcome.UnknownKey.class);
    assertThat(((SignatureOutcome.UnknownKey) got).reason())
        .startsWith("checkpoint signed by the trusted root's log " + OTHER_V1_URL + " (origin \"rekor-b-01.internal - 2222\")"
            + " was served as " + V1_URL + "/api/v1/log, the log at rekor.private.example:8443/tlog has log ID(s) ["
            + Base64.getEncoder().encodeToString(v1.logIdBytes()) + "]")
        .endsWith(": one log cannot answer for another");
    // served at its own URL it verifies
    assertThat(signatures(Map.of()).verify(servedAt(otherV1.checkpoint(10, T), OTHER_V1_URL, "/api/v1/log")))
        .isInstanceOf(SignatureOutcome.Valid.class);
  }

  @Test
  void aRekorV1LogCannotAnswerForARekorV2Log() throws Exception {
    Checkpoint c = Checkpoint.newBuilder(servedAt(v1.checkpoint(10, T), V2_URL, "/api/v1/log")).build();
    assertThat(signatures(Map.of()).verify(c)).isInstanceOf(SignatureOutcome.UnknownKey.class);
  }

  @Test
  void aConfiguredOriginBindsTheFeedEvenWhenTheTrustedRootDoesNotListItsUrl() throws Exception {
    String readUrl = "https://read-replica.private.example";
    CheckpointSignatures s = signatures(Map.of(readUrl, "rekor-7f9c.internal"));
    assertThat(s.verify(servedAt(v1.checkpoint(10, T), readUrl, "/api/v1/log")))
        .isInstanceOf(SignatureOutcome.Valid.class);
    SignatureOutcome other = s.verify(servedAt(otherV1.checkpoint(10, T), readUrl, "/api/v1/log"));
    assertThat(other).isInstanceOf(SignatureOutcome.UnknownKey.class);
    assertThat(((SignatureOutcome.UnknownKey) other).reason()).contains("(configured origin \"rekor-7f9c.internal\")");
  }

  @Test
  void unknownKeysAndBadSignaturesStayIncidents() throws Exception {
    TestLog stranger = TestLog.rekorV1("rekor-7f9c.internal", 1111, TestLog.generate("EC")).grow(20);
    SignatureOutcome unknown = signatures(Map.of()).verify(servedAt(stranger.checkpoint(10, T), V1_URL, "/api/v1/log"));
    assertThat(unknown).isInstanceOf(SignatureOutcome.UnknownKey.class);
    assertThat(((SignatureOutcome.UnknownKey) unknown).reason()).startsWith(
        "no signature from a key of the trusted root: got [rekor-7f9c.internal+");

    Checkpoint good = servedAt(v1.checkpoint(10, T), V1_URL, "/api/v1/log");
    String text = v1.body(10, v1.tree.root(10));
    String forged = text + "\n" + v1.signatureLine(text, TestLog.generate("EC"));
    Checkpoint bad = Checkpoint.newBuilder(good)
        .setRawNote(java.nio.ByteBuffer.wrap(forged.getBytes(java.nio.charset.StandardCharsets.UTF_8))).build();
    assertThat(signatures(Map.of()).verify(bad)).isInstanceOf(SignatureOutcome.Bad.class);
  }

  @Test
  void aFrozenRekorV1ShardSignedByARotatedOutKeyStaysReadable() throws Exception {
    String ended = v1.trustedRootEntry(START, "2025-06-01T00:00:00Z")
        .replaceFirst("\"baseUrl\":\"[^\"]*\"", "\"baseUrl\":\"" + V1_URL + "\"");
    CheckpointSignatures s = new CheckpointSignatures(TrustedRoot.parse(TestLog.trustedRoot(ended)), Map.of());
    Checkpoint active = servedAt(v1.checkpoint(10, T), V1_URL, "/api/v1/log");
    assertThat(s.verify(active)).isInstanceOf(SignatureOutcome.UnknownKey.class);
    SignatureOutcome frozen = s.verify(Checkpoint.newBuilder(active)
        .setShardState(dev.sigwatch.schemas.ShardState.INACTIVE).build());
    assertThat(frozen).isInstanceOf(SignatureOutcome.Valid.class);
    assertThat(((SignatureOutcome.Valid) frozen).keyExpired()).isTrue();
  }
}
