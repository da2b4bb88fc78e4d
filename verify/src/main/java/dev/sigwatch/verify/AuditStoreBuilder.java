package dev.sigwatch.verify;

import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/** Builds an {@link AuditStore} over a changelogged, uncached key-value store (one per task). */
final class AuditStoreBuilder implements StoreBuilder<AuditStore> {

  private final StoreBuilder<KeyValueStore<String, byte[]>> inner;

  AuditStoreBuilder(StoreBuilder<KeyValueStore<String, byte[]>> inner) {
    this.inner = inner;
  }

  @Override
  public StoreBuilder<AuditStore> withCachingEnabled() {
    throw new UnsupportedOperationException("the audit store caches its state itself");
  }

  @Override
  public StoreBuilder<AuditStore> withCachingDisabled() {
    return this;
  }

  @Override
  public StoreBuilder<AuditStore> withLoggingEnabled(Map<String, String> config) {
    inner.withLoggingEnabled(config);
    return this;
  }

  @Override
  public StoreBuilder<AuditStore> withLoggingDisabled() {
    throw new UnsupportedOperationException("the audit store must be changelogged for exactly-once restarts");
  }

  @Override
  public AuditStore build() {
    return new AuditStore(inner.build());
  }

  @Override
  public Map<String, String> logConfig() {
    return inner.logConfig();
  }

  @Override
  public boolean loggingEnabled() {
    return inner.loggingEnabled();
  }

  @Override
  public String name() {
    return inner.name();
  }
}
