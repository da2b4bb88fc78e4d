package dev.sigwatch.verify;

import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.broker.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Full-audit throughput of the verify stage through a real {@link org.apache.kafka.streams.KafkaStreams} instance on
 * the embedded broker: N Rekor v1 entries (~3 KB bodies, plus the entry JSON as ingest publishes it) and a signed
 * checkpoint every 10,000 entries are pre-loaded into the topics; then the verify service starts (one stream
 * thread, exactly_once_v2, default commit interval) and the clock runs until the AUDITED event of the last
 * checkpoint is committed to {@code sigwatch.log.events}. Reports entries/s from start (includes the Streams start,
 * rebalance and topic creation), between the first and the last AUDITED event (steady state), and per CPU-second
 * of the stream thread (robust when other processes share the cores).
 *
 * <pre>
 * cd /work/main
 * mvn -B -q -o -Dsigwatch.buildDir=target-h10 -pl verify test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/verify-cp.txt
 * java -Xmx1g -cp verify/target-h10/test-classes:verify/target-h10/classes:$(cat /tmp/verify-cp.txt) \
 *     dev.sigwatch.verify.AuditBrokerBenchmark 300000
 * </pre>
 */
public final class AuditBrokerBenchmark {

  private AuditBrokerBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    int checkpointEvery = 10_000;
    Path dir = Files.createTempDirectory("sigwatch-audit-bench-");
    Topics topics = Topics.create(SerdeConfig.embedded());
    TestLog log = TestLog.rekorV1("rekor.bench", 42, TestLog.generate("EC"));
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.create(dir.resolve("kafka"), Map.of()).start()) {
      String bootstrap = broker.bootstrapServers();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        TopicAdmin.ensureTopics(admin, topics.all());
      }
      long loadStart = System.nanoTime();
      int bodyBytes = preload(bootstrap, topics, log, n, checkpointEvery);
      System.out.printf(Locale.ROOT, "pre-loaded %d entries (%d-byte bodies) in %.1f s%n", n, bodyBytes,
          (System.nanoTime() - loadStart) / 1e9);

      VerifySettings settings = new VerifySettings(
          TrustedRoot.parse(TestLog.trustedRoot(log.trustedRootEntry("2020-01-01T00:00:00Z", null))),
          null, Duration.ofDays(365), null, "audit-bench");
      Map<String, Object> props = new HashMap<>();
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams").toString());
      props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
      try (KafkaConsumer<String, byte[]> events = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "bench-reader",
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
        events.subscribe(List.of(topics.logEvents().name()));
        events.poll(Duration.ofMillis(100));
        long start = System.nanoTime();
        long first = 0;
        long firstSize = 0;
        try (VerifyService service = new VerifyService(settings, props, topics)) {
          service.start();
          long audited = 0;
          while (audited < n) {
            for (ConsumerRecord<String, byte[]> r : events.poll(Duration.ofMillis(50))) {
              LogEvent e = topics.logEvents().valueSerde().deserializer().deserialize(r.topic(), r.value());
              if (!e.getType().equals("AUDITED")) continue;
              if (first == 0) {
                first = System.nanoTime();
                firstSize = e.getTreeSize();
              }
              audited = Math.max(audited, e.getTreeSize());
            }
            if (System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
              throw new IllegalStateException("audit reached only " + audited + " of " + n + " in 10 minutes");
            }
          }
          long end = System.nanoTime();
          System.out.printf(Locale.ROOT, "from start: %d entries in %.2f s = %.0f entries/s%n", n,
              (end - start) / 1e9, n / ((end - start) / 1e9));
          System.out.printf(Locale.ROOT, "steady (AUDITED %d -> %d): %.2f s = %.0f entries/s%n", firstSize, n,
              (end - first) / 1e9, (n - firstSize) / ((end - first) / 1e9));
          // The machine is shared: the stream thread's own CPU time says what one thread can do when it has a core.
          java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
          for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.getName().contains("StreamThread")) continue;
            double cpu = mx.getThreadCpuTime(t.getId()) / 1e9;
            System.out.printf(Locale.ROOT, "%s CPU: %.2f s = %.0f entries per CPU-second%n", t.getName().replaceAll(".*-", ""), cpu, n / cpu);
          }
        }
      }
    }
  }

  /** Checkpoints first, then entries (each carrying its entry JSON); returns the body size. */
  private static int preload(String bootstrap, Topics topics, TestLog log, int n, int checkpointEvery) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    var entrySer = topics.rekorEntries().valueSerde().serializer();
    var cpSer = topics.checkpoints().valueSerde().serializer();
    byte[] key = log.logId.getBytes(StandardCharsets.UTF_8);
    String pad = "p".repeat(3000);
    int bodyBytes = 0;
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < n; i++) log.tree.append(Rfc6962.leafHash(body(i, pad)));
      for (int s = checkpointEvery; s <= n; s += checkpointEvery) {
        Checkpoint cp = log.checkpoint(s, System.currentTimeMillis());
        p.send(new ProducerRecord<>(topics.checkpoints().name(), key, cpSer.serialize("x", cp)));
      }
      for (int i = 0; i < n; i++) {
        byte[] body = body(i, pad);
        String b64 = Base64.getEncoder().encodeToString(body);
        byte[] raw = ("{\"" + i + "\":{\"body\":\"" + b64 + "\",\"logIndex\":" + i + ",\"integratedTime\":1700000000}}")
            .getBytes(StandardCharsets.UTF_8);
        RekorEntry e = log.entry(i, body, raw, System.currentTimeMillis());
        p.send(new ProducerRecord<>(topics.rekorEntries().name(), key, entrySer.serialize("x", e)));
        bodyBytes = body.length;
      }
      p.flush();
    }
    return bodyBytes;
  }

  private static byte[] body(int i, String pad) {
    return ("{\"i\":" + i + ",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8);
  }
}
