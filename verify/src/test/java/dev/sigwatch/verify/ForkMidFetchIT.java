package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.simulator.Incident;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.faults.Fault;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Rekor v1 log forked while ingest is still backfilling it (simulator → ingest → verify on the real broker): the
 * log's first checkpoint is verified, its entries are read slowly, and before they are all read the log replaces the
 * second half of its tree and signs a bigger head. The rest of the entries ingest reads come from the forked tree, so
 * the range up to the verified head cannot hash to its root. That is one incident, the fork: exactly one FORK alert,
 * no TAMPERED_ENTRIES beside it; the mismatch is recorded as a FORKED_ENTRIES log event (the fork's evidence).
 * The simulated log forks as {@code RekorV1Incidents.fork} does: half its entries kept, then foreign ones.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ForkMidFetchIT {
  static final Topics TOPICS = VerifySimulatorIT.TOPICS.withPrefix(KafkaTestBroker.uniqueName("forkmid") + ".");
  static final int SIZE = 2000;

  @TempDir Path stateDir;

  @Test
  void aForkWhileIngestBackfillsTheLogIsOneForkAlertAndNoTamper(KafkaTestBroker broker) throws Exception {
    try (Admin admin = broker.admin()) {
      TopicAdmin.ensureTopics(admin, TOPICS.all());
    }
    try (SigstoreSimulator v1 = SigstoreSimulator.builder().threads(2).build().start()) {
      v1.pregenerate(SIZE);
      // Every entries request takes half a second: the backfill of the 2,000 entries takes several seconds.
      v1.inject(Fault.withProbability(1.0, Fault.Kind.SLOW, "/rekor/api/v1/log/entries").withDelay(Duration.ofMillis(500)));
      VerifySettings vs = new VerifySettings(SimulatedPipeline.trustedRoot(List.of(v1)), null,
          Duration.ofMinutes(5), Duration.ofMillis(500), KafkaTestBroker.uniqueName("verify-forkmid"),
          Duration.ofMinutes(5));
      Predicate<String> ofV1 = id -> VerifySimulatorIT.owns(v1, id);
      try (SimulatedPipeline p = new SimulatedPipeline(broker, TOPICS, List.of(LogTarget.of("rekor-v1",
          v1.rekorV1Url())), vs, stateDir, 0, Duration.ofSeconds(120))) {
        p.await(() -> assertThat(p.eventsOf(ofV1, "CHECKPOINT_VERIFIED")).isNotEmpty());
        assertThat(p.eventsOf(ofV1, "AUDITED")).as("the backfill is still under way").isEmpty();
        v1.trigger(Incident.FORK);
        v1.clearFaults();
        p.await(() -> {
          assertThat(p.alertsOf(ofV1)).extracting(Alert::getType).contains("FORK");
          assertThat(p.eventsOf(ofV1, AuditAlerts.FORKED_ENTRIES)).isNotEmpty();
        });
        // Whatever else would come has had time to: the audit of the whole range is done, and a held alert would have
        // been raised after its grace.
        long until = System.currentTimeMillis() + AuditProcessor.FORK_GRACE.toMillis() + 5_000;
        while (System.currentTimeMillis() < until) p.poll();
        assertThat(p.alertsOf(ofV1)).extracting(Alert::getType).containsExactly("FORK");
        var forked = p.eventsOf(ofV1, AuditAlerts.FORKED_ENTRIES).get(0);
        assertThat(forked.getTreeSize()).isEqualTo(SIZE);
        assertThat(forked.getDetail()).containsEntry("divergedFromSize", Long.toString(SIZE))
            .containsEntry("rangeEnd", Long.toString(SIZE)).containsEntry("explainedBy", "FORK");
      }
    }
  }
}
