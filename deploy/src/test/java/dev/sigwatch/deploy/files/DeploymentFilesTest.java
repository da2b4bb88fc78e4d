package dev.sigwatch.deploy.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sigwatch.alert.sink.SinkMetrics;
import dev.sigwatch.deploy.Sigwatch;
import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.alert.sink.AlertMetrics;
import dev.sigwatch.alert.store.LogStatusMetrics;
import dev.sigwatch.deploy.metrics.StreamsMetrics;
import dev.sigwatch.ingest.IngestMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * The deployment files under {@code deploy/} (Dockerfile, compose, Kubernetes manifests, Prometheus rules, Grafana
 * dashboard) parse, and name only what this build has: sigwatch commands that picocli accepts, configurations that
 * sigwatch's own loader accepts, health endpoints and ports the stages serve, metric families the stages export, and
 * the Kafka version sigwatch is built against. What cannot run here (Docker, a cluster) is the only thing left out.
 */
class DeploymentFilesTest {
  private static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  /** SnakeYAML, not Jackson's YAML parser: compose files use merge keys ({@code <<: *anchor}), which Jackson ignores. */
  private static final ObjectMapper TREE = JsonMapper.builder().build();
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final Pattern METRIC = Pattern.compile("\\b(sigwatch_[a-z0-9_]+|jvm_[a-z0-9_]+|up)\\b");
  private static final Pattern ENV = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::-[^}]*)?}");
  private static Set<String> exportedMetrics;

  @BeforeAll
  static void metricFamilies() {
    PrometheusRegistry registry = new PrometheusRegistry();
    new IngestMetrics(registry);
    new SinkMetrics(registry);
    new AlertMetrics(registry);
    new LogStatusMetrics(registry, null, Clock.systemUTC()); // names only: never scraped
    Set<String> names = new HashSet<>(new StreamsMetrics(List.of()).getPrometheusNames());
    for (String n : registry.scrape(name -> !name.startsWith("sigwatch_log_")).stream()
        .map(s -> s.getMetadata().getPrometheusName()).toList()) {
      names.add(n);
    }
    names.addAll(List.of("sigwatch_log_size", "sigwatch_log_verified_size", "sigwatch_log_audited_size",
        "sigwatch_log_audit_lag_entries", "sigwatch_log_open_incidents", "sigwatch_log_seconds_since_update"));
    Set<String> exposed = new HashSet<>();
    for (String n : names) {
      for (String suffix : List.of("", "_total", "_bucket", "_count", "_sum", "_created")) {
        exposed.add(n + suffix);
      }
    }
    exportedMetrics = exposed;
  }

  @Test
  void composeRunsEveryStageOnThreeKraftBrokersWithCommandsAndConfigThisBuildAccepts() throws Exception {
    JsonNode compose = yaml(DEPLOY.resolve("compose/compose.yaml"));
    JsonNode services = compose.path("services");
    assertThat(names(services)).contains("kafka-1", "kafka-2", "kafka-3", "registry", "postgres", "prometheus",
        "grafana", "topics", "ingest", "verify", "match", "alert");

    // Three KRaft brokers, each a voter under its own id, advertising its own service name, replication 3 / ISR 2.
    List<String> voters = new ArrayList<>();
    for (String k : List.of("kafka-1", "kafka-2", "kafka-3")) {
      JsonNode s = services.path(k);
      assertThat(s.path("image").asText()).isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
      JsonNode env = s.path("environment");
      String id = env.path("KAFKA_NODE_ID").asText();
      voters.add(id + "@" + k + ":9093");
      assertThat(env.path("KAFKA_ADVERTISED_LISTENERS").asText()).isEqualTo("PLAINTEXT://" + k + ":9092");
      assertThat(env.path("KAFKA_MIN_INSYNC_REPLICAS").asText()).isEqualTo("2");
      assertThat(env.path("KAFKA_DEFAULT_REPLICATION_FACTOR").asText()).isEqualTo("3");
      assertThat(env.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asText().split(",")).containsExactlyInAnyOrder(
          "1@kafka-1:9093", "2@kafka-2:9093", "3@kafka-3:9093");
    }
    assertThat(voters).containsExactlyInAnyOrder("1@kafka-1:9093", "2@kafka-2:9093", "3@kafka-3:9093");

    // The sigwatch services: the image built by deploy/docker/Dockerfile, a command picocli accepts, the config file
    // mounted from this directory, and every ${VAR} of that config given by the service's environment.
    Path config = DEPLOY.resolve("compose/sigwatch.yaml");
    for (String stage : List.of("topics", "ingest", "verify", "match", "alert")) {
      JsonNode s = services.path(stage);
      assertThat(s.path("image").asText()).as(stage).isEqualTo(imageTag());
      assertThat(DEPLOY.resolve("compose").resolve(s.path("build").path("context").asText())
          .resolve(s.path("build").path("dockerfile").asText()).normalize())
          .isEqualTo(DEPLOY.resolve("docker/Dockerfile").normalize());
      List<String> args = strings(s.path("command"));
      assertThat(args.get(0)).isEqualTo(stage);
      assertAccepted(args);
      assertThat(strings(s.path("volumes"))).contains("./sigwatch.yaml:/etc/sigwatch/sigwatch.yaml:ro");
      Map<String, String> env = new HashMap<>();
      s.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), "x"));
      assertThat(env.keySet()).as(stage + " environment").containsAll(envVars(Files.readString(config)));
    }
    SigwatchConfig cfg = loadWithPlaceholders(config);
    assertThat(cfg.embeddedKafka()).isFalse();
    assertThat(cfg.kafka().bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092,kafka-3:9092");
    assertThat(cfg.kafka().replicationFactor()).isEqualTo((short) 3);
    assertThat(cfg.metrics().bind()).isEqualTo("0.0.0.0");

    // Prometheus and Grafana mount files that exist.
    for (String svc : List.of("prometheus", "grafana")) {
      for (String v : strings(services.path(svc).path("volumes"))) {
        assertThat(DEPLOY.resolve("compose").resolve(v.split(":")[0]).normalize()).as(v).exists();
      }
    }
  }

  @Test
  void kubernetesManifestsHaveAProbedDeploymentPerStageATopicsJobAndAConfigThisBuildAccepts() throws Exception {
    List<JsonNode> docs = yamlDocuments(DEPLOY.resolve("k8s/sigwatch.yaml"));
    Map<String, JsonNode> byName = new HashMap<>();
    for (JsonNode d : docs) {
      assertThat(d.path("apiVersion").asText()).isNotEmpty();
      byName.put(d.path("kind").asText() + "/" + d.path("metadata").path("name").asText(), d);
    }
    assertThat(byName).containsKeys("Namespace/sigwatch", "ConfigMap/sigwatch-config", "Secret/sigwatch-secrets",
        "Job/sigwatch-topics", "Deployment/sigwatch-ingest", "Deployment/sigwatch-verify",
        "Deployment/sigwatch-match", "Deployment/sigwatch-alert", "Service/sigwatch-api");

    String configText = byName.get("ConfigMap/sigwatch-config").path("data").path("sigwatch.yaml").asText();
    Path config = Files.createTempFile("sigwatch-k8s", ".yaml");
    Files.writeString(config, configText);
    SigwatchConfig cfg = loadWithPlaceholders(config);
    assertThat(cfg.kafka().replicationFactor()).isEqualTo((short) 3);
    Set<String> secretKeys = names(byName.get("Secret/sigwatch-secrets").path("stringData"));
    assertThat(secretKeys).containsAll(envVars(configText));

    List<String> jobArgs = strings(byName.get("Job/sigwatch-topics").path("spec").path("template").path("spec")
        .path("containers").get(0).path("args"));
    assertThat(jobArgs.get(0)).isEqualTo("topics");
    assertAccepted(jobArgs);

    for (String stage : List.of("ingest", "verify", "match", "alert")) {
      JsonNode dep = byName.get("Deployment/sigwatch-" + stage);
      JsonNode pod = dep.path("spec").path("template").path("spec");
      JsonNode c = pod.path("containers").get(0);
      assertThat(c.path("image").asText()).isEqualTo(imageTag());
      List<String> args = strings(c.path("args"));
      assertThat(args.get(0)).isEqualTo(stage);
      assertAccepted(args);
      assertThat(args).contains("/etc/sigwatch/sigwatch.yaml");
      // Probes: the endpoints every stage serves on its metrics port.
      int metricsPort = -1;
      for (JsonNode p : c.path("ports")) {
        if (p.path("name").asText().equals("metrics")) metricsPort = p.path("containerPort").asInt();
      }
      assertThat(metricsPort).as(stage + " metrics port").isEqualTo(cfg.metrics().port());
      assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/livez");
      assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
      assertThat(c.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("metrics");
      assertThat(c.path("resources").path("requests").path("cpu").asText()).isNotEmpty();
      assertThat(c.path("resources").path("requests").path("memory").asText()).isNotEmpty();
      assertThat(c.path("resources").path("limits").path("memory").asText()).isNotEmpty();
      // The selector selects the pod template.
      assertThat(dep.path("spec").path("template").path("metadata").path("labels"))
          .isEqualTo(dep.path("spec").path("selector").path("matchLabels"));
      // Volumes mounted exist in the pod.
      Set<String> volumes = new HashSet<>();
      pod.path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
      c.path("volumeMounts").forEach(m -> assertThat(volumes).contains(m.path("name").asText()));
    }
    JsonNode api = byName.get("Service/sigwatch-api");
    assertThat(api.path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(cfg.api().toSettings().port());
  }

  @Test
  void prometheusRulesAndTheGrafanaDashboardUseOnlyMetricsTheStagesExport() throws Exception {
    JsonNode rules = yaml(DEPLOY.resolve("prometheus/alerts.yml"));
    Set<String> alerts = new TreeSet<>();
    List<String> exprs = new ArrayList<>();
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        alerts.add(rule.path("alert").asText());
        exprs.add(rule.path("expr").asText());
        assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
      }
    }
    assertThat(alerts).contains("SigwatchStageDown", "SigwatchIngestLagGrowing", "SigwatchLogStale",
        "SigwatchSinkSuspended");
    JsonNode dashboard = JSON.readTree(DEPLOY.resolve("grafana/sigwatch-dashboard.json").toFile());
    assertThat(dashboard.path("uid").asText()).isEqualTo("sigwatch");
    List<String> titles = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      titles.add(panel.path("title").asText());
      for (JsonNode t : panel.path("targets")) exprs.add(t.path("expr").asText());
    }
    assertThat(String.join("|", titles)).contains("Ingest lag", "Entries/s per stage", "Audit position",
        "Alerts by type", "Sink health");
    Set<String> used = new TreeSet<>();
    for (String e : exprs) {
      Matcher m = METRIC.matcher(e);
      while (m.find()) used.add(m.group(1));
    }
    assertThat(used).isNotEmpty();
    for (String name : used) {
      if (name.equals("up") || name.startsWith("jvm_")) continue;
      assertThat(exportedMetrics).as("metric %s used by a rule or panel", name).contains(name);
    }
    // The Prometheus config loads these rules and scrapes the stages' metrics port.
    JsonNode prom = yaml(DEPLOY.resolve("prometheus/prometheus.yml"));
    assertThat(strings(prom.path("rule_files"))).containsExactly("/etc/prometheus/alerts.yml");
    assertThat(prom.path("scrape_configs").get(0).path("dns_sd_configs").get(0).path("port").asInt())
        .isEqualTo(SigwatchConfig.defaults().metrics().port());
  }

  @Test
  void theDockerfileRunsTheShadedJarAsANonRootUser() throws IOException {
    String dockerfile = Files.readString(DEPLOY.resolve("docker/Dockerfile"));
    assertThat(dockerfile).contains("COPY deploy/target/sigwatch.jar /opt/sigwatch/sigwatch.jar")
        .contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/sigwatch/sigwatch.jar\"]").containsPattern("(?m)^USER 10001");
    assertThat(Files.readString(DEPLOY.resolve("pom.xml"))).contains("<finalName>sigwatch</finalName>");
  }

  private static String imageTag() throws IOException {
    Matcher m = Pattern.compile("docker build -f deploy/docker/Dockerfile -t (\\S+) \\.")
        .matcher(Files.readString(DEPLOY.resolve("docker/Dockerfile")));
    assertThat(m.find()).as("the Dockerfile says how it is tagged").isTrue();
    return m.group(1);
  }

  /** picocli parses the arguments as a sigwatch command (an unknown command or option fails). */
  private static void assertAccepted(List<String> args) {
    CommandLine.ParseResult r = Sigwatch.commandLine().parseArgs(args.toArray(String[]::new));
    assertThat(r.subcommand()).as(String.join(" ", args)).isNotNull();
    assertThat(r.subcommand().commandSpec().name()).isEqualTo(args.get(0));
  }

  private static SigwatchConfig loadWithPlaceholders(Path config) throws Exception {
    return new ConfigLoader(name -> name.endsWith("SHA256") ? "0".repeat(64) : "placeholder").load(config);
  }

  private static Set<String> envVars(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = ENV.matcher(text);
    while (m.find()) out.add(m.group(1));
    return out;
  }

  private static JsonNode yaml(Path file) throws IOException {
    return TREE.valueToTree(new Yaml().load(Files.readString(file)));
  }

  private static List<JsonNode> yamlDocuments(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(Files.readString(file))) out.add(TREE.valueToTree(doc));
    return out;
  }

  private static Set<String> names(JsonNode object) {
    Set<String> out = new TreeSet<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
