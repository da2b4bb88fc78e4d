package dev.sigwatch.match.topology;

import dev.sigwatch.core.x509.ChainStatus;
import dev.sigwatch.match.alerts.Alerts;
import dev.sigwatch.match.watchlist.RuleMatch;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import dev.sigwatch.schemas.Severity;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Applies the current watchlist to each identity event; for a match on a certificate, verifies its chain (cached)
 * and emits IDENTITY_MATCH (HIGH) when it chains to a Fulcio CA of the trusted root at its notBefore, otherwise
 * LOOKALIKE (MEDIUM) — a lookalike is never reported as a trusted match. Key-only matches are IDENTITY_MATCH.
 */
final class MatchProcessor implements Processor<String, IdentityEvent, String, SpecificRecord> {
  private final WatchlistState watchlist;
  private final ChainCheck chains;
  private final RecordBoundary boundary;
  private ProcessorContext<String, SpecificRecord> context;

  MatchProcessor(WatchlistState watchlist, ChainCheck chains, java.time.Clock clock) {
    this.watchlist = watchlist;
    this.chains = chains;
    this.boundary = new RecordBoundary(new dev.sigwatch.schemas.dlq.RejectedRecords(clock));
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
  }

  /** Alerts (and, at the record boundary, a DLQ record) for one identity event; never throws for one bad event. */
  @Override
  public void process(Record<String, IdentityEvent> record) {
    IdentityEvent e = record.value();
    List<Alert> out;
    try {
      out = alerts(e, watchlist.current().match(e), chains, watchlist.authorizations().current());
    } catch (Throwable t) {
      RecordBoundary.rethrowIfFatal(t);
      byte[] raw = null;
      if (e.getCertificateDer() != null) {
        java.nio.ByteBuffer der = e.getCertificateDer().duplicate();
        raw = new byte[der.remaining()];
        der.get(raw);
      }
      boundary.reject(context, record, e.getLogId(), e.getLogIndex(), e.getUuid(), "matching",
          RecordBoundary.reason("matching", t), raw);
      return;
    }
    for (Alert a : out) {
      context.forward(new Record<>(a.getAlertId(), (SpecificRecord) a, record.timestamp()));
    }
  }

  /** The alerts for an event's matches (empty when nothing matched; the chain is checked only then). */
  static List<Alert> alerts(IdentityEvent e, List<RuleMatch> matches, ChainCheck chains) {
    return alerts(e, matches, chains, dev.sigwatch.match.authorize.Authorizations.EMPTY);
  }

  /**
   * Like {@link #alerts(IdentityEvent, List, ChainCheck)}; a Fulcio-chained match that an authorization covers is
   * AUTHORIZED (INFO) instead of IDENTITY_MATCH (a lookalike stays a lookalike: authorizing a digest does not vouch for
   * a certificate no Fulcio CA issued).
   */
  static List<Alert> alerts(IdentityEvent e, List<RuleMatch> matches, ChainCheck chains,
                            dev.sigwatch.match.authorize.Authorizations authorized) {
    if (matches.isEmpty()) {
      return List.of();
    }
    ChainStatus chain = chains.verify(e);
    boolean lookalike = chain instanceof ChainStatus.Lookalike;
    java.util.Optional<dev.sigwatch.schemas.Authorization> covered = lookalike ? java.util.Optional.empty()
        : authorized.covering(e);
    if (covered.isPresent()) {
      dev.sigwatch.schemas.Authorization a = covered.get();
      String where = e.getSource() == IdentitySource.CT ? "certificate issued (CT " + e.getLogId() + ")"
          : "signed in " + e.getLogId();
      return matches.stream().map(m -> Alerts.about(Alerts.AUTHORIZED, Severity.INFO, e, m.ruleId(), m.identity(),
          "authorized: " + where + " #" + e.getLogIndex() + " for " + m.identity() + " (expected: "
              + a.getAuthorizationId() + (a.getDescription() == null ? "" : ", " + a.getDescription()) + ")",
          chain, Map.of("why", m.why(), "authorization", a.getAuthorizationId()))).toList();
    }
    String type = lookalike ? Alerts.LOOKALIKE : Alerts.IDENTITY_MATCH;
    Severity severity = lookalike ? Severity.MEDIUM : Severity.HIGH;
    String where = e.getSource() == IdentitySource.CT ? "certificate issued (CT " : "signed in ";
    return matches.stream().map(m -> Alerts.about(type, severity, e, m.ruleId(), m.identity(),
        (lookalike ? "lookalike (not Fulcio-issued) " : "") + where + e.getLogId() + (e.getSource() == IdentitySource.CT ? ")" : "")
            + " #" + e.getLogIndex() + " for " + m.identity(),
        chain, Map.of("why", m.why()))).toList();
  }
}
