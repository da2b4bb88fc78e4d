package dev.sigwatch.verify;

import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;

/**
 * Audit throughput of the verify topology on one stream thread: Avro decoding, SHA-256 leaf hash of a ~3 KB body,
 * compact-range append, state-store write (RocksDB behind the record cache) and changelog, checkpoint comparison
 * every 10,000 entries. Records are encoded beforehand, so the producer side is not measured; fetching from a broker
 * (≈12 µs/record of consumer CPU) is not included either.
 *
 * <pre>
 * mvn -B -q -o -pl verify test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/verify-cp.txt
 * java -cp verify/target/test-classes:verify/target/classes:$(cat /tmp/verify-cp.txt) \
 *     dev.sigwatch.verify.AuditBenchmark 200000
 * </pre>
 */
public final class AuditBenchmark {

  private AuditBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int checkpointEvery = 10_000;
    TestLog log = TestLog.rekorV1("rekor.bench", 42, TestLog.generate("EC"));
    String pad = "p".repeat(3000);
    for (int i = 0; i < n; i++) {
      byte[] body = ("{\"i\":" + i + ",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8);
      log.bodies.add(body);
      log.tree.append(dev.sigwatch.core.merkle.Rfc6962.leafHash(body));
    }
    VerifySettings settings = new VerifySettings(
        TrustedRoot.parse(TestLog.trustedRoot(log.trustedRootEntry("2020-01-01T00:00:00Z", null))),
        null, Duration.ofDays(365), null, "bench");
    try (Harness h = new Harness(settings, Harness.tempDir())) {
      var entrySerde = h.topics.rekorEntries().valueSerde().serializer();
      List<byte[]> encoded = new ArrayList<>(n);
      for (int i = 0; i < n; i++) encoded.add(entrySerde.serialize("x", log.entry(i, 0)));
      List<Checkpoint> cps = new ArrayList<>();
      for (int s = checkpointEvery; s <= n; s += checkpointEvery) cps.add(log.checkpoint(s, Harness.T0.toEpochMilli()));
      TestInputTopic<byte[], byte[]> in = h.driver.createInputTopic(h.topics.rekorEntries().name(),
          new ByteArraySerializer(), new ByteArraySerializer());
      byte[] key = log.logId.getBytes(StandardCharsets.UTF_8);
      int warm = Math.min(n / 5, 20_000);
      int c = 0;
      long start = 0;
      for (int i = 0; i < n; i++) {
        if (i == warm) start = System.nanoTime();
        if (i % checkpointEvery == 0 && c < cps.size()) h.checkpoint(cps.get(c++));
        in.pipeInput(key, encoded.get(i));
      }
      double secs = (System.nanoTime() - start) / 1e9;
      int audited = h.events("AUDITED").size();
      if (!h.alerts().isEmpty() || audited != n / checkpointEvery) {
        System.out.printf(Locale.ROOT, "unexpected: %d alerts, %d audited checkpoints%n", h.alerts().size(), audited);
      }
      System.out.printf(Locale.ROOT, "audited %d entries (~%d-byte bodies) in %.2f s: %.0f entries/s on one thread%n",
          n - warm, encoded.get(0).length, secs, (n - warm) / secs);
    }
  }
}
