package dev.sigwatch.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka KRaft broker (combined broker + controller) running in this JVM on loopback.
 *
 * <p>The data directory keeps the log segments, the cluster id and the ports chosen at first start
 * ({@code sigwatch-broker.properties}), so a restart with the same directory keeps every topic and
 * committed offset and listens on the same address. Storage is formatted on first start only
 * (like {@code kafka-storage.sh format}).
 *
 * <p>{@link Security#SASL_SCRAM} (what {@code sigwatch run} uses) secures every listener, all on 127.0.0.1:
 * <pre>
 *   CLIENT     SASL_PLAINTEXT, SCRAM-SHA-512 only   clients: user "sigwatch", settings in client.properties
 *   INTERNAL   SASL_PLAINTEXT, PLAIN                inter-broker (the broker's transaction markers to itself)
 *   CONTROLLER SASL_PLAINTEXT, PLAIN                KRaft (SCRAM cannot authenticate the quorum that stores it)
 * </pre>
 * Loopback alone keeps the network out but not the other users of the machine, who could otherwise tombstone
 * watchlist rules or move ingest's positions. The SCRAM credential is added when storage is formatted
 * ({@code kafka-storage format --add-scram}); a data directory formatted before it existed (a PLAINTEXT broker of an
 * earlier sigwatch) gets it through the broker's own INTERNAL listener with {@code alterUserScramCredentials}.
 * {@link Security#PLAINTEXT} (tests' shared broker) has no authentication.
 *
 * <p>Not thread-safe: start and close from one thread. {@link #close()} is idempotent.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String STATE_FILE = "sigwatch-broker.properties";

  /** Upper bound for the SCRAM user of an upgraded data directory to become usable. */
  private static final Duration CREDENTIAL_TIMEOUT = Duration.ofSeconds(60);

  /** How clients authenticate. */
  public enum Security {
    /** No authentication: anyone who can reach 127.0.0.1 can read and write. For tests only. */
    PLAINTEXT,
    /** SASL/SCRAM-SHA-512 with credentials generated into the data directory (see the class comment). */
    SASL_SCRAM
  }

  private final Path dataDir;
  private final Security security;
  private final Map<String, String> overrides;
  private KafkaRaftServer server;
  private String bootstrapServers;
  private Map<String, Object> clientProperties;

  private EmbeddedKafkaBroker(Path dataDir, Security security, Map<String, String> overrides) {
    this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    this.security = Objects.requireNonNull(security, "security");
    this.overrides = Map.copyOf(overrides);
  }

  /** A PLAINTEXT broker keeping its data under {@code dataDir}, with broker config {@code overrides} on top of ours. */
  public static EmbeddedKafkaBroker create(Path dataDir, Map<String, String> overrides) {
    return new EmbeddedKafkaBroker(dataDir, Security.PLAINTEXT, overrides);
  }

  /** A broker keeping its data under {@code dataDir}, with broker config {@code overrides} on top of ours. */
  public static EmbeddedKafkaBroker create(Path dataDir, Security security, Map<String, String> overrides) {
    return new EmbeddedKafkaBroker(dataDir, security, overrides);
  }

  /**
   * The client settings of the SASL-secured broker of {@code dataDir} ({@code bootstrap.servers} and SASL), as
   * written to its {@code client.properties}; empty when there is none (never started secured).
   */
  public static Optional<Map<String, String>> clientSettings(Path dataDir) throws IOException {
    return BrokerCredentials.clientProperties(dataDir);
  }

  /** Formats storage if needed and starts the broker; returns once it accepts clients. */
  public EmbeddedKafkaBroker start() {
    if (server != null) {
      throw new IllegalStateException("broker already started");
    }
    try {
      Files.createDirectories(dataDir);
      boolean sasl = security == Security.SASL_SCRAM;
      if (sasl) {
        BrokerCredentials.restrictDirectory(dataDir);
      }
      Properties state = loadOrCreateState();
      String brokerPassword = sasl ? BrokerCredentials.brokerPassword(dataDir) : null;
      Map<String, String> config = brokerConfig(state, brokerPassword);
      Path configFile = dataDir.resolve("server.properties");
      String comment = "generated by sigwatch; edit " + STATE_FILE + " to change ports";
      if (sasl) {
        BrokerCredentials.writeSecret(configFile, config, comment); // holds the broker's password
      } else {
        writeProperties(configFile, config, comment);
      }
      bootstrapServers = "127.0.0.1:" + state.getProperty("broker.port");
      Path logDir = Path.of(config.get("log.dirs"));
      boolean formatted = Files.exists(logDir.resolve("meta.properties"));
      Optional<String> clientPassword = sasl ? BrokerCredentials.clientPassword(dataDir) : Optional.empty();
      String password = clientPassword.orElseGet(BrokerCredentials::newPassword);
      if (sasl && !formatted) {
        // Written before formatting: a crash in between formats with this password next time.
        BrokerCredentials.writeClientFile(dataDir, BrokerCredentials.clientSettings(bootstrapServers, password));
      }
      if (!formatted) {
        format(configFile, state.getProperty("cluster.id"), sasl ? password : null);
      }
      long started = System.nanoTime();
      server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
      server.startup();
      if (sasl && formatted && clientPassword.isEmpty()) {
        addScramUser(state, brokerPassword, password);
      }
      Map<String, Object> client = new HashMap<>();
      if (sasl) {
        Map<String, String> settings = BrokerCredentials.clientSettings(bootstrapServers, password);
        BrokerCredentials.writeClientFile(dataDir, settings);
        client.putAll(settings);
      } else {
        client.put("bootstrap.servers", bootstrapServers);
      }
      clientProperties = Map.copyOf(client);
      log.info("embedded Kafka broker up at {} ({}) (data {}) in {} ms", bootstrapServers,
          sasl ? "SASL/" + BrokerCredentials.MECHANISM + ", client settings in "
              + dataDir.resolve(BrokerCredentials.CLIENT_FILE) : "PLAINTEXT, no authentication",
          dataDir, (System.nanoTime() - started) / 1_000_000);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("starting embedded Kafka broker in " + dataDir, e);
    }
  }

  /**
   * Creates the SCRAM user of a data directory formatted without it, through the INTERNAL listener, and waits until
   * the client listener accepts it (the broker applies the metadata record asynchronously).
   */
  private void addScramUser(Properties state, String brokerPassword, String password) {
    log.info("adding SASL/SCRAM credentials to the embedded broker's existing data in {}", dataDir);
    Map<String, Object> internal = new HashMap<>(BrokerCredentials.brokerClientSettings(
        "127.0.0.1:" + state.getProperty("internal.port"), brokerPassword));
    long deadline = System.nanoTime() + CREDENTIAL_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(internal)) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(BrokerCredentials.CLIENT_USER,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, BrokerCredentials.ITERATIONS), password)))
          .all().get(CREDENTIAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("creating the SCRAM user of the embedded broker in " + dataDir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the SCRAM user", e);
    }
    Map<String, Object> client = new HashMap<>(BrokerCredentials.clientSettings(bootstrapServers, password));
    client.put("default.api.timeout.ms", "5000");
    client.put("request.timeout.ms", "5000");
    while (true) {
      try (Admin admin = Admin.create(client)) {
        admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException | TimeoutException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the embedded broker in " + dataDir + " does not accept its new SCRAM "
              + "user after " + CREDENTIAL_TIMEOUT.toSeconds() + " s", notYet);
        }
        log.debug("SCRAM user not usable yet: {}", notYet.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the SCRAM user", e);
      }
    }
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    if (bootstrapServers == null) {
      throw new IllegalStateException("broker not started");
    }
    return bootstrapServers;
  }

  /**
   * Settings every client of this broker needs: {@code bootstrap.servers}, and for {@link Security#SASL_SCRAM} the
   * SASL settings with the generated credentials.
   */
  public Map<String, Object> clientProperties() {
    if (clientProperties == null) {
      throw new IllegalStateException("broker not started");
    }
    return clientProperties;
  }

  public Security security() {
    return security;
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    if (server == null) {
      return;
    }
    log.info("stopping embedded Kafka broker at {}", bootstrapServers);
    server.shutdown();
    server.awaitShutdown();
    server = null;
    log.info("embedded Kafka broker stopped");
  }

  private Map<String, String> brokerConfig(Properties state, String brokerPassword) {
    String brokerPort = state.getProperty("broker.port");
    String controllerPort = state.getProperty("controller.port");
    Map<String, String> c = new HashMap<>();
    c.put("process.roles", "broker,controller");
    c.put("node.id", "1");
    c.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    c.put("controller.listener.names", "CONTROLLER");
    // Loopback only: the embedded broker is for one machine and must not be reachable from the network.
    if (brokerPassword == null) {
      c.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
      c.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
      c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      c.put("inter.broker.listener.name", "PLAINTEXT");
    } else {
      String internalPort = state.getProperty("internal.port");
      c.put("listeners", "CLIENT://127.0.0.1:" + brokerPort + ",INTERNAL://127.0.0.1:" + internalPort
          + ",CONTROLLER://127.0.0.1:" + controllerPort);
      c.put("advertised.listeners", "CLIENT://127.0.0.1:" + brokerPort + ",INTERNAL://127.0.0.1:" + internalPort);
      c.put("listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
      c.put("inter.broker.listener.name", "INTERNAL");
      // Clients: SCRAM only (the password never crosses the socket). The broker's own listeners: PLAIN with a
      // password only the broker's config holds; PLAIN because the controller cannot look SCRAM up in the metadata
      // it is still loading.
      c.put("sasl.enabled.mechanisms", "PLAIN");
      c.put("listener.name.client.sasl.enabled.mechanisms", BrokerCredentials.MECHANISM);
      c.put("listener.name.client.scram-sha-512.sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      c.put("listener.name.internal.sasl.enabled.mechanisms", "PLAIN");
      c.put("listener.name.internal.plain.sasl.jaas.config", BrokerCredentials.plainJaas(brokerPassword, true));
      c.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
      c.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
      c.put("listener.name.controller.plain.sasl.jaas.config", BrokerCredentials.plainJaas(brokerPassword, true));
      c.put("sasl.mechanism.controller.protocol", "PLAIN");
    }
    c.put("log.dirs", dataDir.resolve("logs").toString());
    c.put("metadata.log.dir", dataDir.resolve("metadata").toString());
    // One node: every internal topic has exactly one replica; few partitions keep startup fast.
    c.put("offsets.topic.replication.factor", "1");
    c.put("offsets.topic.num.partitions", "4");
    c.put("transaction.state.log.replication.factor", "1");
    c.put("transaction.state.log.min.isr", "1");
    c.put("transaction.state.log.num.partitions", "4");
    c.put("share.coordinator.state.topic.replication.factor", "1");
    c.put("share.coordinator.state.topic.min.isr", "1");
    c.put("group.initial.rebalance.delay.ms", "0");
    c.put("num.partitions", "1");
    c.put("default.replication.factor", "1");
    c.put("min.insync.replicas", "1");
    // Topics come from sigwatch's catalogue; a misspelt name must fail rather than create a topic.
    c.put("auto.create.topics.enable", "false");
    c.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
    c.put("unstable.api.versions.enable", "false");
    c.putAll(overrides);
    return c;
  }

  private Properties loadOrCreateState() throws IOException {
    Path file = dataDir.resolve(STATE_FILE);
    Properties p = new Properties();
    if (Files.exists(file)) {
      try (var in = Files.newInputStream(file)) {
        p.load(in);
      }
      log.info("reusing embedded Kafka data in {}", dataDir);
      if (security == Security.SASL_SCRAM && p.getProperty("internal.port") == null) {
        // A data directory of a PLAINTEXT broker: its ports stay, the inter-broker listener is new.
        p.setProperty("internal.port", String.valueOf(freePort()));
        writeState(file, p);
      }
      return p;
    }
    p.setProperty("cluster.id", Uuid.randomUuid().toString());
    p.setProperty("broker.port", String.valueOf(freePort()));
    p.setProperty("controller.port", String.valueOf(freePort()));
    if (security == Security.SASL_SCRAM) {
      p.setProperty("internal.port", String.valueOf(freePort()));
    }
    writeState(file, p);
    return p;
  }

  private static void writeState(Path file, Properties p) throws IOException {
    Map<String, String> m = new HashMap<>();
    p.forEach((k, v) -> m.put((String) k, (String) v));
    writeProperties(file, m, "sigwatch embedded broker identity and ports");
  }

  /** Formats storage; with {@code scramPassword}, the SCRAM user is part of the bootstrap metadata. */
  private static void format(Path configFile, String clusterId, String scramPassword) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", configFile.toString(),
        "--ignore-formatted"));
    if (scramPassword != null) {
      args.addAll(List.of("--add-scram", BrokerCredentials.MECHANISM + "=[name=" + BrokerCredentials.CLIENT_USER
          + ",iterations=" + BrokerCredentials.ITERATIONS + ",password=" + scramPassword + "]"));
    }
    int rc;
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      rc = StorageTool.execute(args.toArray(String[]::new), ps);
    }
    String output = out.toString(StandardCharsets.UTF_8).trim();
    if (rc != 0) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "formatting Kafka storage with %s failed (exit %d): %s", configFile, rc, output));
    }
    log.debug("formatted Kafka storage: {}", output);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void writeProperties(Path file, Map<String, String> values, String comment) throws IOException {
    Properties p = new Properties();
    p.putAll(values);
    try (var out = Files.newOutputStream(file)) {
      p.store(out, comment);
    }
  }
}
