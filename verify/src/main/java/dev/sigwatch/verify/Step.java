package dev.sigwatch.verify;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The judge's scratch for one step of one log: the head and incident state as the rules change them, and what they
 * emit, in order. Created and finished inside one call of {@link Judge}; never shared.
 */
final class Step {

  final String logId;
  final long now;
  private final LogView before;
  /** The head; null while the log has none. */
  LogState head;
  IncidentState incidents;
  private final List<VerifyOutput> out = new ArrayList<>();
  private final List<LogIncident> judged = new ArrayList<>();

  Step(String logId, LogView view, long now) {
    this.logId = logId;
    this.now = now;
    this.before = view;
    this.head = view.state();
    this.incidents = view.incidents();
  }

  void alert(Alert a) {
    out.add(new VerifyOutput.AlertOut(a));
  }

  void event(LogEvent e) {
    out.add(new VerifyOutput.EventOut(e));
  }

  void verified(Checkpoint c) {
    out.add(new VerifyOutput.Verified(c));
  }

  /** Records a fact judged at this step (its alert is emitted separately, or not at all when it continues). */
  void judged(LogIncident i) {
    judged.add(i);
  }

  Judgement done(Verdict v) {
    LogView after = head == before.state() && incidents == before.incidents() ? before : LogView.of(head, incidents);
    return new Judgement(v, after, judged, out);
  }
}
