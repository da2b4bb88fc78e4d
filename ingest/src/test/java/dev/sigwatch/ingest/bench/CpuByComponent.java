package dev.sigwatch.ingest.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** CPU time of the live threads of this JVM, grouped by what they belong to (by thread name). Benchmark helper. */
final class CpuByComponent {
  private CpuByComponent() {}

  static String component(String thread) {
    if (thread.startsWith("sigstore-sim") || thread.startsWith("HTTP-Dispatcher")) return "simulator";
    if (thread.startsWith("ingest-fetch") || thread.startsWith("HttpClient") || thread.startsWith("loghttp")) {
      return "ingest-fetch";
    }
    if (thread.startsWith("ingest-")) return "ingest-publish";
    if (thread.startsWith("kafka-producer")) return "kafka-producer";
    return "broker+other";
  }

  /** Nanoseconds of CPU per component, summed over the live threads. */
  static Map<String, Long> snapshot() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new TreeMap<>();
    for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info == null) continue;
      long t = mx.getThreadCpuTime(info.getThreadId());
      if (t > 0) out.merge(component(info.getThreadName()), t, Long::sum);
    }
    return out;
  }

  /** {@code component µs, ...} per entry between two snapshots (threads that ended in between are not counted). */
  static String perEntry(Map<String, Long> before, Map<String, Long> after, long entries) {
    StringBuilder b = new StringBuilder();
    long total = 0;
    for (var e : after.entrySet()) {
      long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      total += d;
      b.append(String.format(Locale.ROOT, "%s %.1f µs, ", e.getKey(), d / 1e3 / Math.max(1, entries)));
    }
    return b.append(String.format(Locale.ROOT, "total %.1f µs", total / 1e3 / Math.max(1, entries))).toString();
  }
}
