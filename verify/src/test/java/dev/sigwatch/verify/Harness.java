package dev.sigwatch.verify;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** A TopologyTestDriver over {@link VerifyTopology} with typed inputs and accumulated outputs. */
final class Harness implements AutoCloseable {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final Topics topics = Topics.create(SerdeConfig.embedded());
  final TopologyTestDriver driver;
  final TestInputTopic<String, Checkpoint> checkpoints;
  final TestInputTopic<String, RekorEntry> rekor;
  final TestInputTopic<String, CtEntry> ct;
  final TestInputTopic<byte[], byte[]> rawCheckpoints;
  private final TestOutputTopic<String, Alert> alertsOut;
  private final TestOutputTopic<String, LogEvent> eventsOut;
  private final TestOutputTopic<String, RejectedRecord> dlqOut;
  final List<Alert> alerts = new ArrayList<>();
  final List<LogEvent> events = new ArrayList<>();
  final List<RejectedRecord> rejected = new ArrayList<>();

  Harness(VerifySettings settings, Path stateDir) {
    Map<String, Object> cfg = new HashMap<>(VerifyService.streamsConfig(settings,
        Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092"), topics));
    cfg.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    Properties props = new Properties();
    props.putAll(cfg);
    driver = new TopologyTestDriver(VerifyTopology.build(settings, topics), props, T0);
    checkpoints = driver.createInputTopic(topics.checkpoints().name(), topics.checkpoints().keySerde().serializer(),
        topics.checkpoints().valueSerde().serializer(), T0, Duration.ZERO);
    rekor = driver.createInputTopic(topics.rekorEntries().name(), topics.rekorEntries().keySerde().serializer(),
        topics.rekorEntries().valueSerde().serializer(), T0, Duration.ZERO);
    ct = driver.createInputTopic(topics.ctEntries().name(), topics.ctEntries().keySerde().serializer(),
        topics.ctEntries().valueSerde().serializer(), T0, Duration.ZERO);
    rawCheckpoints = driver.createInputTopic(topics.checkpoints().name(), new ByteArraySerializer(),
        new ByteArraySerializer());
    alertsOut = driver.createOutputTopic(topics.alerts().name(), topics.alerts().keySerde().deserializer(),
        topics.alerts().valueSerde().deserializer());
    eventsOut = driver.createOutputTopic(topics.logEvents().name(), topics.logEvents().keySerde().deserializer(),
        topics.logEvents().valueSerde().deserializer());
    dlqOut = driver.createOutputTopic(topics.dlq().name(), topics.dlq().keySerde().deserializer(),
        topics.dlq().valueSerde().deserializer());
  }

  static Path tempDir() {
    try {
      return Files.createTempDirectory("verify-ttd-");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  void checkpoint(Checkpoint c) {
    checkpoints.pipeInput(c.getLogId(), c);
  }

  void entries(TestLog log, long from, long to) {
    for (long i = from; i < to; i++) rekor.pipeInput(log.logId, log.entry(i, T0.toEpochMilli()));
  }

  /** Drains the output topics into the lists and returns the alerts raised so far. */
  List<Alert> alerts() {
    drain();
    return alerts;
  }

  List<LogEvent> events(String type) {
    drain();
    return events.stream().filter(e -> e.getType().equals(type)).toList();
  }

  List<RejectedRecord> rejected() {
    drain();
    return rejected;
  }

  private void drain() {
    alerts.addAll(alertsOut.readValuesToList());
    events.addAll(eventsOut.readValuesToList());
    rejected.addAll(dlqOut.readValuesToList());
  }

  @Override
  public void close() {
    driver.close();
  }
}
