package dev.sigwatch.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record of every topic's value type, filled with real bytes from the shared fixtures (a Rekor checkpoint
 * note, a Rekor entry, a Fulcio certificate) and every optional field set, plus a minimal variant with the
 * optional fields at their defaults.
 */
public final class SampleRecords {

  private SampleRecords() {}

  public static Path fixtures() {
    String dir = System.getProperty("sigwatch.fixtures");
    if (dir == null) throw new IllegalStateException("system property sigwatch.fixtures is not set (the parent pom sets it)");
    return Path.of(dir);
  }

  static byte[] fixture(String relative) {
    try {
      return Files.readAllBytes(fixtures().resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException("reading fixture " + relative, e);
    }
  }

  static ByteBuffer buf(byte[] b) {
    return ByteBuffer.wrap(b);
  }

  /** Every value type with all fields set. */
  public static List<SpecificRecord> full() {
    byte[] note = fixture("rekor-v1/checkpoints/prod-rekor.sigstore.dev-tree1193050959916656506-size2953833797.txt");
    byte[] entry = fixture("rekor-v1/entries/prod-hashedrekord-logIndex11560124.json");
    byte[] cert = fixture("certs/prod-github-actions-conformance-beacon-2024-12.der");
    byte[] root = HexFormat.of().parseHex("676b682c46aa084c27899f17107e8d0599f4cfb96be7f52eb04f718bdd71d2a2");
    String logId = "rekor.sigstore.dev - 1193050959916656506";
    Checkpoint checkpoint = Checkpoint.newBuilder().setLogId(logId).setLogType(LogType.REKOR_V1).setOrigin(logId).setTreeSize(2953833797L)
            .setRootHash(buf(root)).setTimestampMillis(1_763_000_000_000L).setObservedAtMillis(1_763_000_001_000L)
            .setRawNote(buf(note)).setSourceUrl("https://rekor.sigstore.dev/api/v1/log").setTreeId("1193050959916656506")
            .setShardState(ShardState.INACTIVE).setShardOffset(121904262L).setProofFromSize(2953833000L)
            .setProofFromRoot(buf(new byte[32])).setConsistencyProof(List.of(buf(root), buf(new byte[] {1, 2, 3})))
            .setActiveShards(List.of(logId, "rekor.sigstore.dev - 2605736670972794746")).build();
    return List.of(
        checkpoint,
        RekorEntry.newBuilder().setLogId(logId).setLogType(LogType.REKOR_V1).setLeafIndex(11560124L - 4163431L)
            .setLogIndex(11560124L).setTreeId("2605736670972794746").setUuid("24296fb24b8ad77a" + "ab".repeat(32))
            .setIntegratedTime(1_674_000_000L).setBody(buf(entry)).setRaw(buf(entry)).setObservedAtMillis(5L).build(),
        CtEntry.newBuilder().setLogId("ctfe.sigstore.dev/2022").setLogType(LogType.STATIC_CT).setIndex(Long.MAX_VALUE)
            .setLeafInput(buf(cert)).setExtraData(buf(new byte[0])).setTileLeaf(buf(cert)).setObservedAtMillis(-1L).build(),
        LogEvent.newBuilder().setEventId("ev-1").setLogId(logId).setType("CONSISTENT").setTreeSize(2953833797L)
            .setRootHash(buf(root)).setAtMillis(42L).setDetail(Map.of("fromSize", "2953833000", "ünïcode", "✓")).build(),
        IdentityEvent.newBuilder().setSource(IdentitySource.REKOR).setLogId(logId).setLogIndex(11560124L)
            .setUuid("24296fb2").setIntegratedTime(1_674_000_000L).setEntryKind("hashedrekord").setEntryVersion("0.0.1")
            .setSans(List.of(new SubjectAltName("uri", "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main")))
            .setOidcIssuer("https://token.actions.githubusercontent.com")
            .setExtensions(Map.of("1.3.6.1.4.1.57264.1.8", "https://token.actions.githubusercontent.com"))
            .setSubjects(List.of("CN=x")).setCertFingerprint("ab".repeat(32)).setKeyFingerprints(List.of("cd".repeat(32)))
            .setCertSerial("1234").setCertIssuerDn("CN=sigstore-intermediate,O=sigstore.dev").setNotBeforeMillis(1L)
            .setNotAfterMillis(2L).setCertificateDer(buf(cert)).setChainDer(List.of(buf(cert))).setTbsHash("ef".repeat(32))
            .setArtifactDigest("sha256:" + "01".repeat(32)).setObservedAtMillis(3L).build(),
        Alert.newBuilder().setAlertId("a-1").setType("IDENTITY_MATCH").setSeverity(Severity.HIGH).setLogId(logId)
            .setLogIndex(11560124L).setUuid("24296fb2").setRuleId("rule-1").setIdentity("ops@acme.com")
            .setSummary("ops@acme.com signed an artifact").setCertificate(Map.of("serial", "1234"))
            .setEvidence(Map.of("body", new String(entry, StandardCharsets.UTF_8))).setCreatedAtMillis(7L).build(),
        WatchRule.newBuilder().setRuleId("rule-1").setType(RuleType.CERT_IDENTITY).setCertSubject("ops@acme\\.com")
            .setIssuers(List.of("https://accounts\\.google\\.com")).setValue("v").setOid("1.3.6.1.4.1.57264.1.8")
            .setValues(List.of("a", "b")).setDescription("ops").setCreatedAtMillis(8L).build(),
        RejectedRecord.newBuilder().setSource("match").setReason("unknown magic byte 0x7b").setTopic("sigwatch.rekor.entries")
            .setPartition(2).setOffset(99L).setLogId(logId).setLogIndex(1L).setKey(buf("k".getBytes(StandardCharsets.UTF_8)))
            .setValue(buf(entry)).setRejectedAtMillis(9L).build(),
        IngestPosition.newBuilder().setLog("rekor.sigstore.dev").setNext(2953833797L)
            .setLastPublished(List.of(checkpoint)).setFrozen(List.of(checkpoint)).setCommittedAtMillis(10L).build());
  }

  /** Every value type with only the required fields set (nulls, empty collections, defaults). */
  public static List<SpecificRecord> minimal() {
    ByteBuffer empty = buf(new byte[0]);
    return List.of(
        Checkpoint.newBuilder().setLogId("l").setLogType(LogType.CT).setOrigin("o").setTreeSize(0L).setRootHash(empty)
            .setObservedAtMillis(0L).setRawNote(empty).setSourceUrl("").build(),
        RekorEntry.newBuilder().setLogId("l").setLogType(LogType.REKOR_V2).setLeafIndex(0L).setLogIndex(0L).setBody(empty)
            .setObservedAtMillis(0L).build(),
        CtEntry.newBuilder().setLogId("l").setLogType(LogType.CT).setIndex(0L).setLeafInput(empty).setExtraData(empty)
            .setObservedAtMillis(0L).build(),
        LogEvent.newBuilder().setEventId("e").setLogId("l").setType("STALE").setAtMillis(0L).build(),
        IdentityEvent.newBuilder().setSource(IdentitySource.CT).setLogId("l").setLogIndex(0L).setEntryKind("x509_entry")
            .setEntryVersion("").setObservedAtMillis(0L).build(),
        Alert.newBuilder().setAlertId("a").setType("HEALTH").setSeverity(Severity.INFO).setSummary("").setCreatedAtMillis(0L).build(),
        WatchRule.newBuilder().setRuleId("r").setType(RuleType.FINGERPRINT).setCreatedAtMillis(0L).build(),
        RejectedRecord.newBuilder().setSource("s").setReason("r").setRejectedAtMillis(0L).build(),
        IngestPosition.newBuilder().setLog("l").setNext(0L).setCommittedAtMillis(0L).build());
  }
}
