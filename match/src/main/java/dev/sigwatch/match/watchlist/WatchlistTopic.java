package dev.sigwatch.match.watchlist;

import dev.sigwatch.match.CompactedTopic;
import dev.sigwatch.schemas.WatchRule;
import dev.sigwatch.schemas.topics.Topic;
import java.util.Map;

/**
 * The runtime watchlist: the compacted {@code sigwatch.watchlist} topic (key = rule id, a null value removes the
 * rule) that the running matcher follows. Used by the {@code watchlist} command and the API (see
 * {@link CompactedTopic}).
 */
public final class WatchlistTopic {
  private final CompactedTopic<WatchRule> topic;

  public WatchlistTopic(Map<String, Object> clientProperties, Topic<String, WatchRule> topic) {
    this.topic = new CompactedTopic<>(clientProperties, topic);
  }

  /** Writes {@code rule} under its id (replacing a rule with that id). */
  public void put(WatchRule rule) throws InterruptedException {
    topic.send(rule.getRuleId(), rule);
  }

  /** Writes a tombstone for {@code ruleId}. */
  public void remove(String ruleId) throws InterruptedException {
    topic.send(ruleId, null);
  }

  /** The current rules by id. */
  public Map<String, WatchRule> current() {
    return topic.current();
  }
}
