package dev.sigwatch.verify;

import java.util.List;

/**
 * The judge's answer for one checkpoint or liveness check of one log.
 *
 * @param verdict what became of the checkpoint
 * @param view the log's view afterwards (the same object when nothing changed)
 * @param incidents the facts judged at this step, opened or continued, in order
 * @param out what to emit, in order: alerts (the adapter drops one whose id it raised before), log events, and the
 *     checkpoint handed to the full audit
 */
record Judgement(Verdict verdict, LogView view, List<LogIncident> incidents, List<VerifyOutput> out) {
  Judgement {
    incidents = List.copyOf(incidents);
    out = List.copyOf(out);
  }
}
