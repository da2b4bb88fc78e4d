package dev.sigwatch.alert.sink;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One configured sink, built: what the runner needs besides Kafka.
 *
 * @param name unique among the sinks; names the consumer group {@code sigwatch-sink-<name>} and the metrics label
 * @param sink where messages go
 * @param filter which alerts it takes
 * @param updates whether INCIDENT_CONTINUES / INCIDENT_RESOLVED of its alerts reach it
 * @param retry backoff and suspension
 * @param secrets every secret of its settings, scrubbed from any error text before it is logged
 */
public record SinkSpec(String name, Sink sink, SinkFilter filter, boolean updates, RetryPolicy retry,
    List<Secret> secrets) {
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  public SinkSpec {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a sink name is 1-100 letters, digits, '.', '_' or '-', was: " + name);
    }
    secrets = List.copyOf(secrets);
  }

  /** The consumer group of this sink: its own, so its pace never holds back another sink. */
  public String groupId() {
    return "sigwatch-sink-" + name;
  }

  /** {@code text} without any of this sink's secrets. */
  public String redact(String text) {
    return Secret.redact(text, secrets);
  }
}
