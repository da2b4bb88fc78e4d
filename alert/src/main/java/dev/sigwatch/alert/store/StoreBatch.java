package dev.sigwatch.alert.store;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.LogEvent;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What one consumer poll brought, written in one transaction together with the offsets it consumed up to
 * ({@link AlertStore#write}). Within a list, the topic order.
 *
 * @param group the consumer group whose offsets these are
 * @param nextOffsets per partition, the offset of the next record to consume (last consumed + 1)
 */
public record StoreBatch(List<Alert> alerts, List<LogEvent> logEvents, List<IdentityEvent> identities, String group,
    Map<TopicPartition, Long> nextOffsets) {
  public StoreBatch {
    alerts = List.copyOf(alerts);
    logEvents = List.copyOf(logEvents);
    identities = List.copyOf(identities);
    if (group == null || group.isEmpty()) throw new IllegalArgumentException("group must not be empty");
    nextOffsets = Map.copyOf(nextOffsets);
  }

  public boolean isEmpty() {
    return alerts.isEmpty() && logEvents.isEmpty() && identities.isEmpty() && nextOffsets.isEmpty();
  }
}
