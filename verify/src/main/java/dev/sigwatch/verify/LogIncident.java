package dev.sigwatch.verify;

import dev.sigwatch.schemas.Alert;
import java.util.List;
import java.util.Objects;

/**
 * An integrity or liveness fact the judge proved about one log, with the alert that reports it. Its {@link #subject}
 * is what a later observation must share to be the same fact: the judge folds repeats of one fact into one episode
 * (INCIDENT_CONTINUES), and every other fact, however close in time, is its own incident and alert. Immutable.
 */
sealed interface LogIncident {

  /** The alert that reports this fact (its id is deterministic: a replay raises the same one). */
  Alert alert();

  /** What makes two observations the same fact; facts of different types never share a subject. */
  String subject();

  default String type() {
    return alert().getType();
  }

  /**
   * The log's tree no longer extends the verified head {@code headSize} / {@code headRoot}: a forked tree growing on
   * fails the proof from the same head every poll, and that is one fact until the head moves.
   */
  record Fork(Alert alert, long headSize, byte[] headRoot) implements LogIncident {
    public Fork {
      Objects.requireNonNull(alert, "alert");
      headRoot = headRoot.clone();
    }

    @Override
    public String subject() {
      return Incidents.subject(Findings.FORK, headSize, headRoot);
    }
  }

  /** A second tree: another root at a size we verified, or a smaller checkpoint not proven a prefix of ours. */
  record SplitView(Alert alert, long size, byte[] root) implements LogIncident {
    public SplitView {
      Objects.requireNonNull(alert, "alert");
      root = root.clone();
    }

    @Override
    public String subject() {
      return Incidents.subject(Findings.SPLIT_VIEW, size, root);
    }
  }

  /** An older view replayed: a smaller checkpoint proven a prefix of the verified tree. */
  record Rollback(Alert alert, long size, byte[] root) implements LogIncident {
    public Rollback {
      Objects.requireNonNull(alert, "alert");
      root = root.clone();
    }

    @Override
    public String subject() {
      return Incidents.subject(Findings.ROLLBACK, size, root);
    }
  }

  /** A signature from a trusted key that does not verify; {@code signers} as {@link Incidents#signers}. */
  record BadSignature(Alert alert, String signers) implements LogIncident {
    @Override
    public String subject() {
      return Findings.BAD_SIGNATURE + " " + signers;
    }
  }

  /** No trusted key signed the checkpoint; {@code signers} as {@link Incidents#signers}. */
  record UnknownKey(Alert alert, String signers) implements LogIncident {
    @Override
    public String subject() {
      return Findings.UNKNOWN_KEY + " " + signers;
    }
  }

  /**
   * A Rekor v2 checkpoint short of the witness policy. Only the witnesses with an <em>invalid</em> cosignature make
   * the fact (see {@link Incidents#witnessFailed}); {@code detail} names the cosigned / missing / invalid witnesses.
   */
  record WitnessFailure(Alert alert, List<String> invalid, java.util.Map<String, String> detail)
      implements LogIncident {
    public WitnessFailure {
      invalid = List.copyOf(invalid);
      detail = java.util.Map.copyOf(detail);
    }

    @Override
    public String subject() {
      return "invalid witnesses: " + (invalid.isEmpty() ? "none" : String.join(",", invalid));
    }
  }

  /** A frozen shard that changed, grew after its key expired, or is no longer listed by its log. */
  record ShardChanged(Alert alert) implements LogIncident {
    @Override
    public String subject() {
      return alert.getAlertId();
    }
  }

  /** A log whose head has not advanced (or whose signed timestamp is old) for longer than {@code staleAfter}. */
  record Stale(Alert alert) implements LogIncident {
    @Override
    public String subject() {
      return alert.getAlertId();
    }
  }

  /** A log whose newer checkpoints stayed unproven consistent with the head past {@code unprovenAfter}. */
  record UnprovenConsistency(Alert alert) implements LogIncident {
    @Override
    public String subject() {
      return alert.getAlertId();
    }
  }
}
