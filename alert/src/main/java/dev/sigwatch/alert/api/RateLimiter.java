package dev.sigwatch.alert.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address: {@code burst} requests at once, then {@code perSecond}. Remembers at most
 * {@link #MAX_CLIENTS} addresses (least recently seen forgotten first), so a scan from many addresses cannot grow
 * memory without bound. Thread-safe.
 */
final class RateLimiter {
  static final int MAX_CLIENTS = 10_000;

  private final double perSecond;
  private final int burst;
  private final LongSupplier nanoClock;
  private final Map<String, Bucket> buckets = new LinkedHashMap<>(256, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
      return size() > MAX_CLIENTS;
    }
  };

  RateLimiter(double perSecond, int burst, LongSupplier nanoClock) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.nanoClock = nanoClock;
  }

  /** 0 when {@code client} may go ahead (and one token is spent), else the seconds to wait before retrying. */
  synchronized long acquire(String client) {
    long now = nanoClock.getAsLong();
    Bucket b = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
    double tokens = Math.min(burst, b.tokens + (now - b.at) / 1e9 * perSecond);
    b.at = now;
    if (tokens >= 1) {
      b.tokens = tokens - 1;
      return 0;
    }
    b.tokens = tokens;
    return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
  }

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }
}
