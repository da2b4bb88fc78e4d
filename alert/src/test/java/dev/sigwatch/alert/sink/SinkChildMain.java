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
    SinkService service = new SinkService(specs, Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, args[0]), topics,
        SinkMetrics.unregistered(), Clock.systemUTC()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(service::close));
    Thread.currentThread().join();
  }
}
