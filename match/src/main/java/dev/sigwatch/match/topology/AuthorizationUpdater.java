package dev.sigwatch.match.topology;

import dev.sigwatch.match.authorize.AuthorizationState;
import dev.sigwatch.schemas.Authorization;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** Global-store processor for the compacted authorizations topic, like {@link WatchlistUpdater}. */
final class AuthorizationUpdater implements Processor<String, Authorization, Void, Void> {
  private final String storeName;
  private final AuthorizationState state;
  private KeyValueStore<String, Authorization> store;

  AuthorizationUpdater(String storeName, AuthorizationState state) {
    this.storeName = storeName;
    this.state = state;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
    try (KeyValueIterator<String, Authorization> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, Authorization> kv = it.next();
        state.apply(kv.key, kv.value);
      }
    }
  }

  @Override
  public void process(Record<String, Authorization> record) {
    if (record.key() == null) return;
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
    state.apply(record.key(), record.value());
  }
}
