package dev.sigwatch.match.topology;

import dev.sigwatch.schemas.LogEvent;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Global-store processor for the log-events topic: keeps each log's latest audit or shard end in the store and
 * every one in the shared {@link LogEvidence}. On init (after the store is restored) it loads what is stored, so a
 * restart knows each log's last audited position.
 */
final class LogEvidenceUpdater implements Processor<String, LogEvent, Void, Void> {
  private final String storeName;
  private final LogEvidence evidence;
  private KeyValueStore<String, LogEvent> store;

  LogEvidenceUpdater(String storeName, LogEvidence evidence) {
    this.storeName = storeName;
    this.evidence = evidence;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
    try (KeyValueIterator<String, LogEvent> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, LogEvent> kv = it.next();
        evidence.apply(kv.value);
      }
    }
  }

  @Override
  public void process(Record<String, LogEvent> record) {
    LogEvent e = record.value();
    if (record.key() == null || e == null) return;
    if (e.getType().equals("AUDITED") || e.getType().startsWith("SHARD_")) {
      store.put(record.key(), e);
      evidence.apply(e);
    }
  }
}
