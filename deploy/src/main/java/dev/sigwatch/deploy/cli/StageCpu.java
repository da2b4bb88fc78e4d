package dev.sigwatch.deploy.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time of this JVM by pipeline stage, from each live thread's CPU time grouped by its name, plus what no Java
 * thread accounts for (the JIT compilers, the garbage collector, the VM's own threads and threads that ended: the
 * process's CPU minus the live Java threads'). Thread CPU time is far less sensitive to other load on the machine than wall-clock rates, so
 * benchmarks report it per entry. Benchmark helper; not thread-safe.
 */
final class StageCpu {
  /** Stages in report order. */
  static final List<String> STAGES = List.of("simulator", "ingest", "verify", "match", "broker", "other",
      "jvm (jit, gc)");

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private StageCpu() {}

  /** The stage a thread belongs to, by the names Kafka, the JDK and sigwatch give their threads. */
  static String stage(String thread) {
    // The common fork-join pool: in the benchmark's JVM only the simulator uses it (signing and rendering entries
    // in parallel); sigwatch's stages run on threads of their own.
    if (thread.startsWith("sigstore-sim") || thread.startsWith("HTTP-Dispatcher")
        || thread.startsWith("ForkJoinPool.commonPool")) {
      return "simulator";
    }
    if (thread.contains("sigwatch-match")) return "match"; // stream, global, producer and heartbeat threads
    if (thread.contains("sigwatch-verify")) return "verify";
    if (thread.startsWith("ingest-") || thread.startsWith("HttpClient") || thread.contains("sigwatch-ingest")) {
      return "ingest";
    }
    if (thread.startsWith("data-plane-") || thread.startsWith("kafka-") || thread.startsWith("quorum-controller")
        || thread.startsWith("TxnMarkerSender") || thread.startsWith("AddPartitionsToTxn")
        || thread.startsWith("group-coordinator") || thread.startsWith("share-") || thread.startsWith("broker-")
        || thread.startsWith("controller-") || thread.startsWith("ExpirationReaper") || thread.startsWith("raft-")
        || thread.startsWith("executor-") || thread.startsWith("log-closing") || thread.startsWith("client-metrics")) {
      return "broker"; // the embedded broker (the clients' threads carry their application's name above)
    }
    return "other";
  }

  /**
   * Nanoseconds of CPU so far of each live thread (key {@code <thread id> <stage>}) and of the whole process (key
   * {@code process}). Kept per thread so that a thread ending between two snapshots (an idle pool thread) does not
   * take its earlier CPU out of its stage: its CPU after the first snapshot is counted with the JVM's.
   */
  static Map<String, Long> snapshot() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (var info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info == null) continue;
      long t = THREADS.getThreadCpuTime(info.getThreadId());
      if (t > 0) out.put(info.getThreadId() + " " + stage(info.getThreadName()), t);
    }
    out.put(PROCESS, ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime());
    return out;
  }

  private static final String PROCESS = "process";

  /** CPU nanoseconds per stage between two snapshots; the JIT, GC, VM and ended threads as "jvm (jit, gc)". */
  static Map<String, Long> deltas(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> out = new LinkedHashMap<>();
    STAGES.forEach(s -> out.put(s, 0L));
    long threads = 0;
    for (var e : after.entrySet()) {
      if (e.getKey().equals(PROCESS)) continue;
      long d = Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
      out.merge(e.getKey().substring(e.getKey().indexOf(' ') + 1), d, Long::sum);
      threads += d;
    }
    long process = after.getOrDefault(PROCESS, 0L) - before.getOrDefault(PROCESS, 0L);
    out.put("jvm (jit, gc)", Math.max(0, process - threads));
    return out;
  }

  /** {@code stage µs, ... total µs} of CPU per entry between two snapshots. */
  static String perEntry(Map<String, Long> before, Map<String, Long> after, long entries) {
    StringBuilder b = new StringBuilder();
    long total = 0;
    Map<String, Long> deltas = deltas(before, after);
    for (String s : STAGES) {
      long d = deltas.get(s);
      total += d;
      b.append(String.format(Locale.ROOT, "%s %.0f, ", s, d / 1e3 / Math.max(1, entries)));
    }
    return b.append(String.format(Locale.ROOT, "total %.0f µs CPU/entry", total / 1e3 / Math.max(1, entries)))
        .toString();
  }

  /** The CPU of {@code stages} between two snapshots, per entry, in µs. */
  static double micros(Map<String, Long> before, Map<String, Long> after, long entries, List<String> stages) {
    long d = 0;
    Map<String, Long> deltas = deltas(before, after);
    for (String s : stages) {
      d += deltas.get(s);
    }
    return d / 1e3 / Math.max(1, entries);
  }
}
