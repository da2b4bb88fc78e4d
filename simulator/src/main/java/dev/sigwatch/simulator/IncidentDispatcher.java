package dev.sigwatch.simulator;

import dev.sigwatch.simulator.ct.CtLog;
import dev.sigwatch.simulator.rekorv1.BodyTemplate;
import dev.sigwatch.simulator.rekorv1.RekorV1Incidents;
import dev.sigwatch.simulator.rekorv1.RekorV1Log;
import dev.sigwatch.simulator.rekorv2.RekorV2Log;
import java.util.function.Supplier;

/** Routes an {@link Incident} to the log a {@link LogTarget} names. Callers serialize calls (the simulator does). */
final class IncidentDispatcher {
  private final RekorV1Log rekorV1;
  private final RekorV1Incidents v1;
  private final RekorV2Log rekorV2;
  private final CtLog ct;
  private final CtLog staticCt;
  private final EntryPool pool;
  private final Supplier<byte[]> nextDigest;

  IncidentDispatcher(RekorV1Log rekorV1, RekorV2Log rekorV2, CtLog ct, CtLog staticCt, EntryPool pool,
      Supplier<byte[]> nextDigest) {
    this.rekorV1 = rekorV1;
    this.v1 = new RekorV1Incidents(rekorV1);
    this.rekorV2 = rekorV2;
    this.ct = ct;
    this.staticCt = staticCt;
    this.pool = pool;
    this.nextDigest = nextDigest;
  }

  void trigger(Incident incident, LogTarget target) {
    switch (target) {
      case REKOR_V1 -> rekorV1(incident);
      case REKOR_V2 -> rekorV2(incident);
      case CT -> ct(incident, ct, target);
      case STATIC_CT -> ct(incident, staticCt, target);
    }
  }

  /** Ends a Rekor v1 split view (Rekor v2's and CT's end at their next publish). */
  void endSplitView() {
    v1.clearSplitView();
  }

  private void rekorV1(Incident incident) {
    BodyTemplate t = pool.v1(0);
    if (incident != Incident.SPLIT_VIEW) v1.clearSplitView();
    switch (incident) {
      case FORK -> v1.fork(t);
      case SPLIT_VIEW -> v1.splitView(t);
      case ROLLBACK -> v1.rollback();
      // A new head (one more entry) with the bad signature: a head seen before is not published again by a monitor.
      case BAD_SIGNATURE -> {
        rekorV1.append(t, nextDigest.get());
        v1.badSignature();
      }
      case UNKNOWN_KEY -> {
        rekorV1.append(t, nextDigest.get());
        v1.unknownKey();
      }
      case TAMPERED_ENTRY -> v1.tamperNewest();
      case TAMPERED_NEXT_ENTRY -> v1.tamperNext();
      case SHARD_ROTATION -> rekorV1.rotate();
      case FROZEN_SHARD_CHANGE -> v1.changeFrozenShard(t);
      case MALFORMED_ENTRY -> {
        rekorV1.append(pool.malformed(), nextDigest.get());
        rekorV1.publish();
      }
      default -> throw unsupported(incident, LogTarget.REKOR_V1);
    }
  }

  private void rekorV2(Incident incident) {
    switch (incident) {
      case FORK -> rekorV2.fork();
      case SPLIT_VIEW -> rekorV2.splitView();
      case ROLLBACK -> rekorV2.rollback();
      case BAD_SIGNATURE -> rekorV2.badSignature();
      case UNKNOWN_KEY -> rekorV2.unknownKey();
      case WITNESS_MISSING -> rekorV2.witness(RekorV2Log.Witness.MISSING);
      case WITNESS_INVALID -> rekorV2.witness(RekorV2Log.Witness.INVALID);
      case TAMPERED_ENTRY -> rekorV2.tamperNewest();
      case TAMPERED_NEXT_ENTRY -> rekorV2.tamper(rekorV2.tree().size());
      default -> throw unsupported(incident, LogTarget.REKOR_V2);
    }
  }

  private static void ct(Incident incident, CtLog log, LogTarget target) {
    switch (incident) {
      case FORK -> log.fork();
      case SPLIT_VIEW -> log.splitView();
      case ROLLBACK -> log.rollback();
      case BAD_SIGNATURE -> log.badSignature();
      case UNKNOWN_KEY -> log.unknownKey();
      case TAMPERED_ENTRY -> log.tamperNewest();
      case TAMPERED_NEXT_ENTRY -> log.tamper(log.tree().size());
      default -> throw unsupported(incident, target);
    }
  }

  private static IllegalArgumentException unsupported(Incident incident, LogTarget target) {
    return new IllegalArgumentException("incident " + incident + " is not supported on " + target
        + "; see LogTarget for what each log supports");
  }
}
