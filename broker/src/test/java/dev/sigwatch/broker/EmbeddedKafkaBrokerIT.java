package dev.sigwatch.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.broker.EmbeddedKafkaBroker.Security;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Properties;
import org.apache.kafka.common.errors.SaslAuthenticationException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {

  @Test
  void restartWithTheSameDirectoryKeepsTopicsRecordsAndOffsets(@TempDir Path dir) throws Exception {
    String topic = "restart-topic";
    String address;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.create(dir, Map.of()).start()) {
      address = broker.bootstrapServers();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", address))) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", address),
          new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>(topic, "k", "v" + i)).get();
        }
      }
      try (var consumer = consumer(address)) {
        consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(4)));
      }
    }

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.create(dir, Map.of()).start()) {
      assertThat(broker.bootstrapServers()).isEqualTo(address);
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", address))) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
      }
      try (var consumer = consumer(address)) {
        consumer.subscribe(Set.of(topic));
        ConsumerRecords<String, String> records = ConsumerRecords.empty();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (records.isEmpty() && System.nanoTime() < deadline) {
          records = consumer.poll(Duration.ofMillis(500));
        }
        assertThat(records.iterator().next().value()).isEqualTo("v4");
        assertThat(records.count()).isEqualTo(6);
      }
    }
  }

  @Test
  void saslBrokerRefusesUnauthenticatedClientsAndKeepsItsCredentialsAcrossRestarts(@TempDir Path dir) throws Exception {
    String topic = "sasl-topic";
    Map<String, Object> client;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.create(dir, Security.SASL_SCRAM, Map.of()).start()) {
      client = broker.clientProperties();
      assertThat(client).containsEntry("security.protocol", "SASL_PLAINTEXT")
          .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
      assertOwnerOnly(dir);
      // The client settings a user hands to an external tool are exactly what sigwatch's clients use.
      assertThat(EmbeddedKafkaBroker.clientSettings(dir).orElseThrow()).isEqualTo(client);
      try (Admin admin = Admin.create(client)) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      try (var producer = new KafkaProducer<>(client, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>(topic, "k", "authenticated")).get(30, TimeUnit.SECONDS);
      }
      assertRefused(broker, client);
    }

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.create(dir, Security.SASL_SCRAM, Map.of()).start()) {
      assertThat(broker.clientProperties()).as("generated once, reused").isEqualTo(client);
      assertThat(readAll(client, topic)).containsExactly("authenticated");
      assertRefused(broker, client);
    }
  }

  @Test
  void aPlaintextDataDirectoryGetsCredentialsWhenStartedWithSasl(@TempDir Path dir) throws Exception {
    String topic = "upgraded-topic";
    String address;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.create(dir, Map.of()).start()) {
      address = broker.bootstrapServers();
      try (Admin admin = Admin.create(broker.clientProperties())) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      try (var producer = new KafkaProducer<>(broker.clientProperties(), new StringSerializer(),
          new StringSerializer())) {
        producer.send(new ProducerRecord<>(topic, "k", "before")).get(30, TimeUnit.SECONDS);
      }
    }
    assertThat(EmbeddedKafkaBroker.clientSettings(dir)).isEmpty();

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.create(dir, Security.SASL_SCRAM, Map.of()).start()) {
      assertThat(broker.bootstrapServers()).isEqualTo(address);
      assertOwnerOnly(dir);
      assertThat(readAll(broker.clientProperties(), topic)).containsExactly("before");
      assertRefused(broker, broker.clientProperties());
    }
  }

  /** No client without the generated credentials gets anything from any of the broker's listeners. */
  private static void assertRefused(EmbeddedKafkaBroker broker, Map<String, Object> authenticated) throws Exception {
    // No SASL at all: the broker closes the connection; the client retries until its deadline.
    assertThatThrownBy(() -> listTopics(Map.of("bootstrap.servers", broker.bootstrapServers())))
        .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    // The right mechanism with a wrong password: refused at once, and said so.
    Map<String, Object> wrong = new HashMap<>(authenticated);
    wrong.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
        + "username=\"sigwatch\" password=\"guessed\";");
    assertThatThrownBy(() -> listTopics(wrong)).hasRootCauseInstanceOf(SaslAuthenticationException.class);
    // The controller listener (KRaft) does not answer an unauthenticated admin either.
    String controller = "127.0.0.1:" + stateOf(broker.dataDir()).getProperty("controller.port");
    assertThatThrownBy(() -> {
      try (Admin admin = Admin.create(Map.of("bootstrap.controllers", controller, "default.api.timeout.ms", "3000",
          "request.timeout.ms", "3000"))) {
        admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
      }
    }).hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    // The same settings plus the generated credentials: accepted.
    assertThat(listTopics(authenticated)).isNotNull();
  }

  private static Set<String> listTopics(Map<String, Object> settings) throws Exception {
    Map<String, Object> c = new HashMap<>(settings);
    c.put("default.api.timeout.ms", "3000");
    c.put("request.timeout.ms", "3000");
    try (Admin admin = Admin.create(c)) {
      return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    }
  }

  private static List<String> readAll(Map<String, Object> settings, String topic) {
    Map<String, Object> c = new HashMap<>(settings);
    c.put("group.id", "reader-" + System.nanoTime());
    c.put("auto.offset.reset", "earliest");
    try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(Set.of(topic));
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (values.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
      }
      return values;
    }
  }

  private static void assertOwnerOnly(Path dir) throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    for (String secret : List.of("client.properties", "broker-secret.properties", "server.properties")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(secret))))
          .as(secret).isEqualTo("rw-------");
    }
  }

  private static Properties stateOf(Path dir) throws Exception {
    Properties p = new Properties();
    try (var in = Files.newInputStream(dir.resolve("sigwatch-broker.properties"))) {
      p.load(in);
    }
    return p;
  }

  private static KafkaConsumer<String, String> consumer(String address) {
    return new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", address, "group.id", "g1",
        "auto.offset.reset", "earliest", "enable.auto.commit", "false"),
        new StringDeserializer(), new StringDeserializer());
  }
}
