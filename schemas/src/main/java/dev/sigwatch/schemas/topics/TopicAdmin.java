package dev.sigwatch.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the catalogue's topics. */
public final class TopicAdmin {

  private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
  public static final short DEFAULT_REPLICATION = 1;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private TopicAdmin() {}

  /** {@link #ensureTopics(Admin, Collection, short, Duration)} with replication 1 and a 60 s timeout. */
  public static List<String> ensureTopics(Admin admin, Collection<? extends Topic<?, ?>> topics) {
    return ensureTopics(admin, topics, DEFAULT_REPLICATION, DEFAULT_TIMEOUT);
  }

  /**
   * Creates every topic that does not exist yet, with its partitions, cleanup policy and retention. Idempotent: a
   * topic that already exists is left as it is (its settings are not changed). Safe to call concurrently from
   * several processes.
   *
   * @return the names of the topics this call created (empty if all existed)
   * @throws KafkaException if a topic could not be created, naming it and the reason
   */
  public static List<String> ensureTopics(
      Admin admin, Collection<? extends Topic<?, ?>> topics, short replicationFactor, Duration timeout) {
    List<NewTopic> requests = topics.stream().map(t -> t.newTopic(replicationFactor)).toList();
    CreateTopicsResult result = admin.createTopics(requests);
    List<String> created = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Map.Entry<String, KafkaFuture<Void>> e : result.values().entrySet()) {
      String name = e.getKey();
      try {
        e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        created.add(name);
        log.info("{}: created topic", name);
      } catch (ExecutionException ex) {
        if (ex.getCause() instanceof TopicExistsException) {
          log.debug("{}: topic exists", name);
        } else {
          throw new KafkaException("creating topic " + name + ": " + ex.getCause(), ex.getCause());
        }
      } catch (TimeoutException ex) {
        throw new KafkaException("creating topic " + name + ": no answer within " + timeout.toMillis() + " ms", ex);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new KafkaException("creating topic " + name + ": interrupted", ex);
      }
    }
    awaitVisible(admin, created, deadline);
    return List.copyOf(created);
  }

  /**
   * Waits until the topics just created are in the broker's metadata with a leader for every partition: a client that
   * asks for a topic's partitions a moment after its creation would otherwise find none (a consumer assigned to
   * nothing, a producer blocking for metadata). Gives up quietly at the deadline (the topics exist; clients retry).
   */
  private static void awaitVisible(Admin admin, List<String> created, long deadline) {
    if (created.isEmpty()) return;
    while (System.nanoTime() < deadline) {
      try {
        Map<String, TopicDescription> d = admin.describeTopics(created).allTopicNames()
            .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        boolean ready = d.size() == created.size() && d.values().stream().allMatch(t -> !t.partitions().isEmpty()
            && t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        if (ready) return;
      } catch (ExecutionException ex) {
        log.debug("topics {} not visible yet: {}", created, ex.getCause().toString());
      } catch (TimeoutException ex) {
        break;
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    log.warn("topics {} were created but are not all visible with leaders yet", created);
  }
}
