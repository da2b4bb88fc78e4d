package dev.sigwatch.alert.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The sink stage as its own process, for {@link SinkKillNineIT}: {@code SinkChildMain BOOTSTRAP TOPIC_PREFIX
 * SINKS_YAML} runs the sinks listed in the YAML file (a list of {@code alerts.sinks[]} entries) until killed.
 */
public final class SinkChildMain {
  private SinkChildMain() {}

  public static void main(String[] args) throws Exception {
    Topics topics = Topics.create(SerdeConfig.embedded()).withPrefix(args[1]);
    JsonNode list = SinkFixtures.YAML.readTree(Path.of(args[2]).toFile());
    List<JsonNode> nodes = new ArrayList<>();
    list.forEach(nodes::add);
    List<SinkSpec> specs = SinkFactory.buildAll(nodes, new SinkContext(null, Clock.systemUTC()));
    // The killed child's memberships end after the session timeout (45 s by default, and the restarted child's groups
    // wait for it): the broker's minimum, so the restart is quick.
    SinkService service = new SinkService(specs, Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, args[0],
        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000), topics,
        SinkMetrics.unregistered(), Clock.systemUTC()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(service::close));
    Thread.currentThread().join();
  }
}
