package dev.sigwatch.core.bench;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the core benchmarks. Without arguments: every benchmark in this package, short (1 fork, 2
 * warmup and 3 measurement iterations of 1 s). With arguments: they are passed to JMH's own command
 * line ({@code -h} for help), for example {@code -f 1 -wi 2 -i 3 -w 1s -r 1s "LeafHash|CompactRange"}.
 *
 * <pre>
 * cd /work/main
 * mvn -B -o -pl core test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath dev.sigwatch.core.bench.BenchMain"
 * </pre>
 * (exec:exec rather than exec:java: JMH forks a JVM with this JVM's class path.)
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    run();
  }

  private static void run() throws RunnerException {
    Options options = new OptionsBuilder()
        .include("dev\\.sigwatch\\.core\\.bench\\..*")
        .forks(1)
        .warmupIterations(2)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(3)
        .measurementTime(TimeValue.seconds(1))
        .build();
    new Runner(options).run();
  }
}
