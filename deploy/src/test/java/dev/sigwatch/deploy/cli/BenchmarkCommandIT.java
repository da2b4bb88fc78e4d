package dev.sigwatch.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end benchmark command runs to completion on a small log and reports the stage rates and CPU, the live
 * heap series ({@code --heap}), the sustained rate on growing logs ({@code --rate}: entries came out of match) and
 * the detection latency of watched signings ({@code --latency}: every probe alerted).
 */
class BenchmarkCommandIT {
  @Test
  void smallBenchmarkCompletesAndReportsRates(@TempDir Path dir) throws Exception {
    Path jar = Path.of(System.getProperty("sigwatch.jar", "target/sigwatch.jar")).toAbsolutePath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = new ProcessBuilder(java, "-jar", jar.toString(), "benchmark", "--entries", "3000",
        "--certificates", "3", // issuing 1024 certificates takes a minute on a loaded machine: not what this tests
        "--heap", "--latency", "3", "--rate", "300", "--rate-seconds", "4", "--rate-warmup", "3",
        "--data-dir", dir.resolve("data").toString())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(6, TimeUnit.MINUTES)).isTrue();
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(stderr).isZero();
    assertThat(Files.readString(out, StandardCharsets.UTF_8).trim())
        .matches("ingest\\+(verify|match)=\\d+/s ingest\\+(verify|match)=\\d+/s( match-steady=\\d+/s)?"
            + " heap-mb=[1-9]\\d*(/[1-9]\\d*)* rss-mb=[1-9]\\d*(/[1-9]\\d*)*"
            + " sustained=[1-9]\\d*/s lag=\\d+->\\d+(\\(growing\\))? latency-p50=\\d+ms latency-p99=\\d+ms");
    assertThat(stderr).contains("benchmark: ingest+verify: 6000 entries in").contains("benchmark: ingest+match: 6000 entries in")
        .containsPattern("CPU per entry over the whole run .*simulator \\d+, ingest \\d+, verify \\d+, match [1-9]\\d*,"
            + " broker \\d+, other \\d+, jvm \\(jit, gc\\) \\d+, total [1-9]\\d* µs CPU/entry")
        .containsPattern("broker, whole run: (\\w+ [\\d,]+\\.\\d\\d, )*Produce [\\d,]+\\.\\d\\d(, \\w+ [\\d,]+\\.\\d\\d)* requests per 1,000 entries; [\\d,]+ bytes and"
            + " \\d+\\.\\d records appended")
        .containsPattern("sustained: \\d+ entries/s logged, [1-9]\\d* entries/s matched over \\d+ s")
        .containsPattern("sustained: CPU per entry matched in that window .*match [1-9]\\d*, broker \\d+,")
        .contains("live heap (MB used after a full GC) at each tenth of the 6000 entries matched: ")
        .containsPattern("latency p50 \\d+ ms, p99 \\d+ ms, max \\d+ ms \\(6 alerts of 6 expected\\)");
  }
}
