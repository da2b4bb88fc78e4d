package dev.sigwatch.match.topology;

import dev.sigwatch.schemas.WatchRule;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Global-store processor for the compacted watchlist topic: keeps the store and the shared {@link WatchlistState}
 * in step. On init (after the store is restored) it loads every stored rule, so a restart sees the whole watchlist.
 */
final class WatchlistUpdater implements Processor<String, WatchRule, Void, Void> {
  private final String storeName;
  private final WatchlistState state;
  private KeyValueStore<String, WatchRule> store;

  WatchlistUpdater(String storeName, WatchlistState state) {
    this.storeName = storeName;
    this.state = state;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
    try (KeyValueIterator<String, WatchRule> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, WatchRule> kv = it.next();
        state.apply(kv.key, kv.value);
      }
    }
  }

  @Override
  public void process(Record<String, WatchRule> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
    state.apply(record.key(), record.value());
  }

}
