package dev.sigwatch.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StageCpuTest {
  @Test
  void aThreadThatEndedKeepsItsEarlierCpuInItsStageAndItsLaterCpuGoesToTheJvm() {
    // thread 1 (simulator) ran 5 ms before and ended; thread 2 (match) went from 10 to 30 ms; thread 3 (ingest) is new
    Map<String, Long> before = Map.of("1 simulator", 5_000_000L, "2 match", 10_000_000L, "process", 100_000_000L);
    Map<String, Long> after = Map.of("2 match", 30_000_000L, "3 ingest", 7_000_000L, "process", 130_000_000L);
    Map<String, Long> d = StageCpu.deltas(before, after);
    assertThat(d).containsEntry("simulator", 0L).containsEntry("match", 20_000_000L)
        .containsEntry("ingest", 7_000_000L).containsEntry("jvm (jit, gc)", 3_000_000L);
    assertThat(StageCpu.perEntry(before, after, 1000)).contains("match 20, ").contains("ingest 7, ")
        .endsWith("total 30 µs CPU/entry");
  }

  @Test
  void threadsGoToTheirStageByName() {
    assertThat(StageCpu.stage("sigwatch-match-1234-StreamThread-1")).isEqualTo("match");
    assertThat(StageCpu.stage("kafka-producer-network-thread | sigwatch-verify-xyz-StreamThread-1-producer"))
        .isEqualTo("verify");
    assertThat(StageCpu.stage("ForkJoinPool.commonPool-worker-3")).isEqualTo("simulator");
    assertThat(StageCpu.stage("data-plane-kafka-request-handler-0")).isEqualTo("broker");
  }
}
