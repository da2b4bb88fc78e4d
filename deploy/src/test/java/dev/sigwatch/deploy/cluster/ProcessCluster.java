package dev.sigwatch.deploy.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A Kafka KRaft cluster of {@code n} combined broker+controller nodes, each a separate JVM running Kafka's own
 * {@code kafka.Kafka} main from the shaded {@code sigwatch.jar} (which carries the broker for {@code sigwatch run}),
 * formatted with Kafka's {@code StorageTool}: replication 3, {@code min.insync.replicas} 2 for every topic,
 * transactions included (with fewer nodes: replication {@code n}, {@code min.insync.replicas} at most {@code n}). Nodes can be killed with SIGKILL and restarted on the same ports and data.
 */
final class ProcessCluster implements AutoCloseable {
  private final Path dir;
  private final Path jar;
  private final int[] brokerPorts;
  private final int[] controllerPorts;
  private final Process[] nodes;
  private final String clusterId;

  ProcessCluster(Path dir, Path jar, int n) throws IOException {
    this.dir = dir;
    this.jar = jar;
    this.brokerPorts = new int[n];
    this.controllerPorts = new int[n];
    this.nodes = new Process[n];
    for (int i = 0; i < n; i++) {
      brokerPorts[i] = freePort();
      controllerPorts[i] = freePort();
    }
    // A Kafka cluster id: 16 bytes, URL-safe base64 without padding (what `kafka-storage random-uuid` prints), not
    // starting with '-' (as Kafka's own Uuid.randomUuid: the storage tool would take it for an option and fail).
    String id;
    do {
      UUID u = UUID.randomUUID();
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
          .putLong(u.getLeastSignificantBits());
      id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    } while (id.startsWith("-"));
    this.clusterId = id;
  }

  String bootstrapServers() {
    return IntStream.of(brokerPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** Formats every node's storage, then starts them all. */
  ProcessCluster start() throws Exception {
    for (int i = 0; i < nodes.length; i++) {
      Path props = writeProperties(i);
      Process format = new ProcessBuilder(java(), "-cp", jar.toString(), "kafka.tools.StorageTool", "format",
          "-t", clusterId, "-c", props.toString(), "--ignore-formatted")
          .redirectErrorStream(true).redirectOutput(dir.resolve("format-" + (i + 1) + ".log").toFile()).start();
      if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
        throw new IllegalStateException("formatting node " + (i + 1) + " failed: "
            + Files.readString(dir.resolve("format-" + (i + 1) + ".log")));
      }
    }
    for (int i = 0; i < nodes.length; i++) startNode(i);
    return this;
  }

  /** Starts node {@code i} (0-based) again on its ports and data. */
  void startNode(int i) throws IOException {
    Path props = dir.resolve("node-" + (i + 1) + ".properties");
    nodes[i] = new ProcessBuilder(java(), "-Xmx384m", "-XX:+UseSerialGC", "-cp", jar.toString(), "kafka.Kafka",
        props.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node-" + (i + 1) + ".log").toFile())).start();
  }

  /** SIGKILL of node {@code i}: no controlled shutdown, no flush. */
  void kill(int i) throws InterruptedException {
    nodes[i].destroyForcibly();
    nodes[i].waitFor(30, TimeUnit.SECONDS);
  }

  boolean alive(int i) {
    return nodes[i] != null && nodes[i].isAlive();
  }

  private Path writeProperties(int i) throws IOException {
    int id = i + 1;
    int replicas = Math.min(3, nodes.length);
    int minIsr = Math.min(2, replicas);
    String voters = IntStream.range(0, nodes.length).mapToObj(j -> (j + 1) + "@127.0.0.1:" + controllerPorts[j])
        .collect(Collectors.joining(","));
    List<String> lines = new ArrayList<>(List.of(
        "process.roles=broker,controller",
        "node.id=" + id,
        "controller.quorum.voters=" + voters,
        "listeners=PLAINTEXT://127.0.0.1:" + brokerPorts[i] + ",CONTROLLER://127.0.0.1:" + controllerPorts[i],
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPorts[i],
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + dir.resolve("data-" + id),
        "num.partitions=3",
        "default.replication.factor=" + replicas,
        "min.insync.replicas=" + minIsr,
        "offsets.topic.replication.factor=" + replicas,
        "offsets.topic.num.partitions=6",
        "transaction.state.log.replication.factor=" + replicas,
        "transaction.state.log.min.isr=" + minIsr,
        "transaction.state.log.num.partitions=6",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=false",
        "unclean.leader.election.enable=false",
        "log.flush.interval.messages=9223372036854775807"));
    Path props = dir.resolve("node-" + id + ".properties");
    Files.write(props, lines);
    return props;
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : nodes) {
      if (p != null) p.destroyForcibly();
    }
    for (Process p : nodes) {
      if (p != null) p.waitFor(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS);
    }
  }
}
