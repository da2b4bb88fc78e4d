package dev.sigwatch.testkit.kafka;

import dev.sigwatch.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real Kafka broker: {@code @ExtendWith(KafkaBrokerExtension.class)} and a {@link KafkaTestBroker}
 * parameter (constructor, lifecycle or test method).
 *
 * <ul>
 *   <li>With {@code KAFKA_BOOTSTRAP_SERVERS} set, that external cluster is used (e.g. a Testcontainers or
 *       docker-compose broker on a machine with a Docker engine).</li>
 *   <li>Otherwise one {@link EmbeddedKafkaBroker} is started per test JVM, in a temporary directory, and stopped
 *       when the JVM's tests are done.</li>
 * </ul>
 * Tests share the broker: each test must use its own topic names and consumer groups ({@link KafkaTestBroker#uniqueName}).
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    broker(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == KafkaTestBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return broker(extensionContext);
  }

  private static KafkaTestBroker broker(ExtensionContext context) {
    return context.getRoot().getStore(NS).getOrComputeIfAbsent("broker", k -> startBroker(), Holder.class).broker();
  }

  private static Holder startBroker() {
    String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
    if (external != null && !external.isBlank()) {
      return new Holder(new KafkaTestBroker(external.trim(), null));
    }
    try {
      var dir = Files.createTempDirectory("sigwatch-test-kafka-");
      // Tests may produce to topics of their own; allow auto-creation only here.
      EmbeddedKafkaBroker embedded = EmbeddedKafkaBroker.create(dir, Map.of("auto.create.topics.enable", "true")).start();
      return new Holder(new KafkaTestBroker(embedded.bootstrapServers(), embedded));
    } catch (IOException e) {
      throw new UncheckedIOException("creating a directory for the test broker", e);
    }
  }

  /** Closed by JUnit when the root context closes, i.e. when the test JVM's tests are done. */
  private record Holder(KafkaTestBroker broker) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      broker.close();
    }
  }
}
