package dev.sigwatch.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code benchmark --simulator process}: the simulator runs in a child JVM in its memory-light mode, the pipeline
 * reads every entry from it, the memory report is this process's alone, and {@code --incident-latency} stages each
 * kind of integrity incident on the child's logs and reads each one's own verify alert (none missed).
 */
class BenchmarkChildSimulatorIT {
  @Test
  void childSimulatorServesTheRunAndEveryIncidentIsAlerted(@TempDir Path dir) throws Exception {
    Path jar = Path.of(System.getProperty("sigwatch.jar", "target/sigwatch.jar")).toAbsolutePath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = new ProcessBuilder(java, "-jar", jar.toString(), "benchmark", "--entries", "2000",
        "--certificates", "3", "--simulator", "process", "--heap", "--incident-latency", "8",
        "--data-dir", dir.resolve("data").toString())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(8, TimeUnit.MINUTES)).isTrue();
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(stderr).isZero();
    assertThat(Files.readString(out, StandardCharsets.UTF_8).trim()).as(stderr)
        .containsPattern("heap-mb=[1-9]\\d*(/[1-9]\\d*){9} rss-mb=[1-9]\\d*(/[1-9]\\d*){9}"
            + " incident-p50=\\d+ms incident-p99=\\d+ms$");
    assertThat(stderr).containsPattern("simulator child \\(pid \\d+, -Xmx\\d+m\\) serving at http://")
        .contains("benchmark: ingest+match: 4000 entries in")
        .containsPattern("the simulator child \\(another process, not in the figures here\\): \\d+ µs CPU per entry")
        .containsPattern("the simulator child's RSS [1-9]\\d* MB \\(not included\\)")
        .containsPattern("incident latency p50 \\d+ ms, p99 \\d+ ms, max \\d+ ms \\(8 alerts of 8 incidents;")
        .contains("BAD_SIGNATURE@rekor-v1", "BAD_SIGNATURE@rekor-v2", "UNKNOWN_KEY@rekor-v1", "UNKNOWN_KEY@rekor-v2",
            "ROLLBACK@rekor-v1", "ROLLBACK@rekor-v2", "SPLIT_VIEW@rekor-v2", "FORK@rekor-v2 1×");
  }
}
