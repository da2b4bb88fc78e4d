package dev.sigwatch.deploy.cli;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * What the embedded broker (in this JVM) was asked to do, from its own request metrics over JMX: requests handled by
 * API (Produce, Fetch, transaction calls...), and bytes and records appended. A broker's CPU goes mostly per request,
 * not per byte, so requests per entry explain its share of the pipeline. Benchmark helper; empty when no broker runs
 * in this JVM.
 */
final class BrokerLoad {
  private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

  private BrokerLoad() {}

  /** Cumulative counts: {@code req:<API>} per request type, plus {@code bytesIn} and {@code messagesIn}. */
  static Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    try {
      for (ObjectName n : JMX.queryNames(new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"),
          null)) {
        String api = n.getKeyProperty("request");
        if (api.equals("FetchConsumer") || api.equals("FetchFollower")) continue; // subsets of Fetch
        out.merge("req:" + api, count(n), Long::sum);
      }
      out.put("bytesIn", count(new ObjectName("kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec")));
      out.put("messagesIn", count(new ObjectName("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec")));
    } catch (Exception e) {
      // no broker in this JVM (or its metrics are not registered yet): report nothing rather than fail the benchmark
      out.clear();
    }
    return out;
  }

  /**
   * "Produce 9.81, Fetch 7.12, ... requests per 1,000 entries; 7,120 bytes and 3.2 records appended per entry" for the
   * difference of two snapshots over {@code entries} (per thousand: with batching, every type is well under one request
   * per entry); the request types under 0.01 per 1,000 entries are left out.
   */
  static String perEntry(Map<String, Long> from, Map<String, Long> to, long entries) {
    if (to.isEmpty() || entries <= 0) return "no broker metrics in this JVM";
    StringBuilder s = new StringBuilder();
    to.entrySet().stream().filter(e -> e.getKey().startsWith("req:"))
        .map(e -> Map.entry(e.getKey().substring(4),
            (e.getValue() - from.getOrDefault(e.getKey(), 0L)) * 1000.0 / entries))
        .filter(e -> e.getValue() >= 0.01)
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .forEach(e -> s.append(s.length() == 0 ? "" : ", ").append(e.getKey())
            .append(String.format(Locale.ROOT, " %.2f", e.getValue())));
    long bytes = to.getOrDefault("bytesIn", 0L) - from.getOrDefault("bytesIn", 0L);
    long msgs = to.getOrDefault("messagesIn", 0L) - from.getOrDefault("messagesIn", 0L);
    return String.format(Locale.ROOT, "%s requests per 1,000 entries; %,.0f bytes and %.1f records appended per entry",
        s.length() == 0 ? "no" : s, bytes / (double) entries, msgs / (double) entries);
  }

  private static long count(ObjectName n) throws Exception {
    Object c = JMX.getAttribute(n, "Count");
    return c instanceof Number num ? num.longValue() : 0L;
  }
}
