package dev.sigwatch.alert.sink;

import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * What the broker says about a sink test's topics and groups, for a failure message: where each missing key was
 * written, each partition's log start, high watermark and last stable offset, each sink group's committed offsets
 * and members, the producers active on each partition (an open transaction shows as its start offset).
 */
final class KafkaDiagnostics {
  private KafkaDiagnostics() {}

  static String describe(KafkaTestBroker broker, Topics topics, String run, Map<String, RecordMetadata> where,
      Map<String, Set<String>> missing) {
    StringBuilder out = new StringBuilder();
    missing.forEach((sink, keys) -> out.append("missing at ").append(sink).append(": ")
        .append(keys.stream().map(k -> where.containsKey(k) ? where.get(k).partition() + "@" + where.get(k).offset()
            : k).sorted().toList()).append('\n'));
    try (Admin a = broker.admin()) {
      List<TopicPartition> tps = new ArrayList<>();
      for (String t : List.of(topics.alerts().name(), topics.logEvents().name())) {
        a.describeTopics(List.of(t)).allTopicNames().get(30, TimeUnit.SECONDS).get(t).partitions()
            .forEach(p -> tps.add(new TopicPartition(t, p.partition())));
      }
      Map<TopicPartition, Long> start = offsets(a, tps, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED);
      Map<TopicPartition, Long> hw = offsets(a, tps, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
      Map<TopicPartition, Long> lso = offsets(a, tps, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
      Map<TopicPartition, PartitionProducerState> producers = a.describeProducers(tps).all().get(30, TimeUnit.SECONDS);
      for (TopicPartition tp : tps) {
        out.append(tp).append(": start ").append(start.get(tp)).append(", high watermark ").append(hw.get(tp))
            .append(", last stable ").append(lso.get(tp)).append(", producers ")
            .append(producers.get(tp).activeProducers()).append('\n');
      }
      List<String> groups = List.of("web", "hook", "siem", "file").stream().map(s -> "sigwatch-sink-" + run + "-" + s)
          .toList();
      Map<String, ConsumerGroupDescription> described = a.describeConsumerGroups(groups).all()
          .get(30, TimeUnit.SECONDS);
      for (String g : groups) {
        Map<TopicPartition, OffsetAndMetadata> committed = a.listConsumerGroupOffsets(g).partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
        ConsumerGroupDescription d = described.get(g);
        out.append(g).append(": committed ").append(new TreeMap<>(committed.entrySet().stream().collect(
                Collectors.toMap(e -> e.getKey().toString(), e -> e.getValue() == null ? -1 : e.getValue().offset()))))
            .append(", state ").append(d.groupState()).append(", members ")
            .append(d.members().stream().map(m -> m.consumerId() + m.assignment().topicPartitions()).toList())
            .append('\n');
      }
      out.append("transactions: ").append(a.listTransactions().all().get(30, TimeUnit.SECONDS)).append('\n');
    } catch (Exception e) {
      out.append("(describing failed: ").append(e).append(")\n");
    }
    return out.toString();
  }

  private static Map<TopicPartition, Long> offsets(Admin a, Collection<TopicPartition> tps, OffsetSpec spec,
      IsolationLevel level) throws Exception {
    return a.listOffsets(tps.stream().collect(Collectors.toMap(Function.identity(), tp -> spec)),
            new ListOffsetsOptions(level)).all().get(30, TimeUnit.SECONDS).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }
}
