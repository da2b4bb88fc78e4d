package dev.sigwatch.simulator.faults;

import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Decides, per request, which injected fault (if any) applies. Thread-safe. */
public final class FaultInjector {
  private record Active(Fault fault, AtomicInteger remaining) {}

  private final CopyOnWriteArrayList<Active> active = new CopyOnWriteArrayList<>();

  public void inject(Fault fault) {
    active.add(new Active(fault, new AtomicInteger(fault.count())));
  }

  public void clear() {
    active.clear();
  }

  /** The fault to apply to a request for {@code path}, consuming one of a count-based fault's uses. */
  public Optional<Fault> pick(String path) {
    if (active.isEmpty()) return Optional.empty();
    for (Active a : active) {
      Fault f = a.fault();
      if (!path.startsWith(f.pathPrefix())) continue;
      if (f.count() > 0) {
        int left = a.remaining().getAndDecrement();
        if (left <= 0) {
          active.remove(a);
          continue;
        }
        if (left == 1) active.remove(a);
        return Optional.of(f);
      }
      if (ThreadLocalRandom.current().nextDouble() < f.probability()) return Optional.of(f);
    }
    return Optional.empty();
  }
}
