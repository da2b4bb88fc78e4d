package dev.sigwatch.deploy.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The health of one sigwatch process, as an orchestrator asks it: <b>live</b> (restart me if not) and <b>ready</b>
 * (send me work / count me in a rollout if so). Each stage registers named checks; a check answers
 * {@link Status#UP}, {@link Status#NOT_READY} (working towards up: starting, rebalancing, broker unreachable) or
 * {@link Status#DOWN} (will not recover by itself: a Streams app in ERROR, a dead consumer thread).
 *
 * <p>Live = no check DOWN. Ready = every check UP. A check that throws counts as DOWN with the exception as detail.
 * Thread-safe; checks run on the caller's (the HTTP server's) thread and must be cheap.
 */
public final class Health {
  public enum Status { UP, NOT_READY, DOWN }

  /** One check's answer. */
  public record Check(String name, Status status, String detail) {
    public Check {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(status, "status");
      detail = detail == null ? "" : detail;
    }
  }

  /** All checks' answers at one moment. */
  public record Report(List<Check> checks) {
    public boolean live() {
      return checks.stream().noneMatch(c -> c.status() == Status.DOWN);
    }

    public boolean ready() {
      return checks.stream().allMatch(c -> c.status() == Status.UP);
    }
  }

  private final Map<String, Supplier<Check>> checks = new LinkedHashMap<>();

  /** Registers (or replaces) a check by name. Returns this for chaining. */
  public synchronized Health register(String name, Supplier<Check> check) {
    checks.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(check, "check"));
    return this;
  }

  /** Runs every check now. */
  public Report report() {
    List<Map.Entry<String, Supplier<Check>>> snapshot;
    synchronized (this) {
      snapshot = new ArrayList<>(checks.entrySet());
    }
    List<Check> out = new ArrayList<>(snapshot.size());
    for (Map.Entry<String, Supplier<Check>> e : snapshot) {
      Check c;
      try {
        c = e.getValue().get();
        if (c == null) c = new Check(e.getKey(), Status.DOWN, "check returned nothing");
        else if (!c.name().equals(e.getKey())) c = new Check(e.getKey(), c.status(), c.detail());
      } catch (RuntimeException ex) {
        c = new Check(e.getKey(), Status.DOWN, "check failed: " + ex);
      }
      out.add(c);
    }
    return new Report(List.copyOf(out));
  }

  public static Check up(String name, String detail) {
    return new Check(name, Status.UP, detail);
  }

  public static Check notReady(String name, String detail) {
    return new Check(name, Status.NOT_READY, detail);
  }

  public static Check down(String name, String detail) {
    return new Check(name, Status.DOWN, detail);
  }
}
