package dev.sigwatch.core.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * CPU time per operation on the calling thread: a stand-in for JMH on a loaded, shared machine, where wall-clock
 * throughput mostly measures the other processes. Each round runs the operation until it has used {@code roundMillis}
 * of this thread's CPU; the result is the median round's CPU µs per operation. Warm-up rounds come first.
 */
public final class CpuTimer {
  /** One operation; may throw. */
  public interface Op {
    Object run(int i) throws Exception;
  }

  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static Object sink;

  private CpuTimer() {}

  /** Median CPU µs per operation over {@code rounds} rounds of ~{@code roundMillis} ms CPU each, after warm-up. */
  public static double microsPerOp(Op op, int warmupRounds, int rounds, long roundMillis) throws Exception {
    double[] r = new double[rounds];
    for (int k = -warmupRounds; k < rounds; k++) {
      long start = MX.getCurrentThreadCpuTime();
      long budget = roundMillis * 1_000_000L;
      long n = 0;
      long used;
      do {
        for (int j = 0; j < 64; j++) {
          sink = op.run((int) (n++));
        }
        used = MX.getCurrentThreadCpuTime() - start;
      } while (used < budget);
      if (k >= 0) {
        r[k] = used / 1e3 / n;
      }
    }
    Arrays.sort(r);
    return r[rounds / 2];
  }

  /** Runs and prints one line: {@code name: x.x µs CPU/op (y ops per CPU-second)}. */
  public static double report(String name, Op op) throws Exception {
    double us = microsPerOp(op, 5, 7, 300);
    System.out.printf(Locale.ROOT, "%-40s %8.2f µs CPU/op  (%,.0f ops per CPU-second)%n", name, us, 1e6 / us);
    return us;
  }

  static Object sink() {
    return sink;
  }
}
