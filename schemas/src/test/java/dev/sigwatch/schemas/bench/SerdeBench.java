package dev.sigwatch.schemas.bench;

import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import dev.sigwatch.schemas.SubjectAltName;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The Avro serde on the hottest record: an identity event shaped like a GitHub Actions Rekor entry (a 1 KB
 * certificate, 12 Fulcio extensions), written 2-4 times per entry by match (identities, the join's repartition and
 * pending store) and read back as often. Run with {@code -prof gc} for the bytes allocated per operation:
 *
 * <pre>
 * mvn -B -o -Dsigwatch.buildDir=target-X -pl schemas -am test-compile
 * mvn -B -o -Dsigwatch.buildDir=target-X -pl schemas dependency:build-classpath -Dmdep.outputFile=/tmp/schemas.cp \
 *     -Dmdep.includeScope=test
 * java -cp schemas/target-X/test-classes:schemas/target-X/classes:$(cat /tmp/schemas.cp) org.openjdk.jmh.Main \
 *     -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc SerdeBench
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SerdeBench {
  Serializer<IdentityEvent> serializer;
  Deserializer<IdentityEvent> deserializer;
  IdentityEvent event;
  byte[] bytes;
  byte[] header;
  org.apache.avro.specific.SpecificDatumWriter<IdentityEvent> writer =
      new org.apache.avro.specific.SpecificDatumWriter<>(IdentityEvent.getClassSchema());

  @Setup
  public void setup() {
    var serde = Topics.create(SerdeConfig.embedded()).identities().valueSerde();
    serializer = serde.serializer();
    deserializer = serde.deserializer();
    event = githubActionsEntry(new Random(15));
    bytes = serializer.serialize("bench", event);
    header = java.util.Arrays.copyOf(bytes, 10); // the single-object header: magic, version, 8-byte fingerprint
  }

  static IdentityEvent githubActionsEntry(Random r) {
    byte[] cert = new byte[1050];
    r.nextBytes(cert);
    Map<String, String> ext = new LinkedHashMap<>();
    String repo = "https://github.com/example-org/example-repository";
    ext.put("issuer", "https://token.actions.githubusercontent.com");
    ext.put("githubWorkflowTrigger", "push");
    ext.put("githubWorkflowSha", hex(r, 20));
    ext.put("githubWorkflowName", "release");
    ext.put("githubWorkflowRepository", "example-org/example-repository");
    ext.put("githubWorkflowRef", "refs/tags/v1.2.3");
    ext.put("buildSignerURI", repo + "/.github/workflows/release.yml@refs/tags/v1.2.3");
    ext.put("buildSignerDigest", hex(r, 20));
    ext.put("runnerEnvironment", "github-hosted");
    ext.put("sourceRepositoryURI", repo);
    ext.put("sourceRepositoryDigest", hex(r, 20));
    ext.put("runInvocationURI", repo + "/actions/runs/1234567890/attempts/1");
    return IdentityEvent.newBuilder().setSource(IdentitySource.REKOR).setLogId("rekor.sigstore.dev - 1193050959916656506")
        .setLogIndex(123_456_789L).setUuid(hex(r, 40)).setIntegratedTime(1_760_000_000L).setEntryKind("hashedrekord")
        .setEntryVersion("0.0.1")
        .setSans(List.of(new SubjectAltName("uri", repo + "/.github/workflows/release.yml@refs/tags/v1.2.3")))
        .setOidcIssuer("https://token.actions.githubusercontent.com").setExtensions(ext).setSubjects(List.of())
        .setCertFingerprint(hex(r, 32)).setKeyFingerprints(List.of()).setCertSerial(hex(r, 20))
        .setCertIssuerDn("CN=sigstore-intermediate,O=sigstore.dev").setNotBeforeMillis(1_760_000_000_000L)
        .setNotAfterMillis(1_760_000_600_000L).setCertificateDer(ByteBuffer.wrap(cert)).setChainDer(List.of())
        .setTbsHash(hex(r, 32)).setArtifactDigest("sha256:" + hex(r, 32)).setObservedAtMillis(1_760_000_001_000L)
        .build();
  }

  private static String hex(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }

  @Benchmark
  public byte[] serialize() {
    return serializer.serialize("bench", event);
  }

  /** The serializer before 2026-12-05 (a fresh stream and buffered encoder per record), for comparison. */
  @Benchmark
  public byte[] serializeFreshBuffers() throws java.io.IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256);
    out.writeBytes(header);
    org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
    writer.write(event, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  @Benchmark
  public IdentityEvent deserialize() {
    return deserializer.deserialize("bench", bytes);
  }
}
