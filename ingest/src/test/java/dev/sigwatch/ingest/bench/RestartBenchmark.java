package dev.sigwatch.ingest.bench;

import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.IngestSettings;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.RekorV1Sim;
import dev.sigwatch.ingest.StartMode;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.broker.EmbeddedKafkaBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a restart of ingest costs as history grows (issue 18): {@code RestartBenchmark [checkpoints=1000000]}. Ingests
 * a small Rekor v1 log, then measures the time from a new {@link IngestService}'s start to its resumed position, and
 * the records it read to find it: with an empty history; after {@code checkpoints} checkpoint records of that log were
 * added to {@code sigwatch.checkpoints} (weeks of polling); and, for comparison, with its position record deleted, so
 * the restart takes the old way (reads every checkpoint, then guesses from the entries' tail). Embedded broker,
 * simulator in this JVM. Run like {@link IngestBenchmark}.
 */
public final class RestartBenchmark {
  public static void main(String[] args) throws Exception {
    int history = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.create(Files.createTempDirectory("sigwatch-restart-"), Map.of()).start();
        RekorV1Sim sim = new RekorV1Sim("rekor.restart", 4)) {
      Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
      Topics topics = Topics.create(SerdeConfig.embedded());
      try (Admin a = Admin.create(client)) {
        TopicAdmin.ensureTopics(a, topics.all());
      }
      sim.grow(1000);
      IngestSettings s = IngestSettings.defaults(List.of(LogTarget.of("rekor-v1", sim.url())))
          .withStartMode(new StartMode.AtIndex(0)).withPollInterval(Duration.ofMillis(200))
          .withRate(Double.POSITIVE_INFINITY);
      String logName = LogTarget.of("rekor-v1", sim.url()).withoutScheme();
      restart(s, client, topics, logName, 1000, "first start (no history)");
      restart(s, client, topics, logName, 1000, "restart, empty history");

      Checkpoint c = Checkpoint.newBuilder().setLogId("rekor.restart - 1").setLogType(dev.sigwatch.schemas.LogType.REKOR_V1)
          .setOrigin("rekor.restart - 1").setTreeSize(1000).setRootHash(ByteBuffer.allocate(32))
          .setObservedAtMillis(System.currentTimeMillis())
          .setRawNote(ByteBuffer.wrap("x".repeat(300).getBytes(StandardCharsets.UTF_8)))
          .setSourceUrl(LogTarget.of("rekor-v1", sim.url()).resolve("api/v1/log").toString()).build();
      byte[] value = topics.checkpoints().valueSerde().serializer().serialize("t", c);
      long t0 = System.nanoTime();
      try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
          "linger.ms", 20, "batch.size", 1 << 20, "compression.type", "lz4"), new StringSerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < history; i++) p.send(new ProducerRecord<>(topics.checkpoints().name(), c.getLogId(), value));
        p.flush();
      }
      System.out.printf(Locale.ROOT, "wrote %,d checkpoint records (%d bytes each) in %.1f s%n", history, value.length,
          (System.nanoTime() - t0) / 1e9);
      restart(s, client, topics, logName, 1000, "restart after " + history + " checkpoints, position record");
      restart(s, client, topics, logName, 1000, "again");

      String key = "sigwatch-ingest-" + logName;
      try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(client, new StringSerializer(), new ByteArraySerializer())) {
        p.send(new ProducerRecord<>(topics.ingestPositions().name(), key, null)).get();
      }
      restart(s, client, topics, logName, 1000, "restart after " + history + " checkpoints, NO position record (old way)");
      System.out.printf(Locale.ROOT, "load average %.2f%n",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static void restart(IngestSettings s, Map<String, Object> client, Topics topics, String logName, long want,
      String what) throws InterruptedException {
    IngestMetrics metrics = IngestMetrics.unregistered();
    long t0 = System.nanoTime();
    IngestService service = new IngestService(s, client, topics, metrics).start();
    try {
      while (service.positions().get(logName) < 0) Thread.sleep(5);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      while (service.positions().get(logName) < want) Thread.sleep(5);
      System.out.printf(Locale.ROOT, "%-70s resumed in %,6d ms, %,9d records read%n", what, ms,
          metrics.resumeRecordsRead(logName));
    } finally {
      service.close();
    }
  }
}
