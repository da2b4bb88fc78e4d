package dev.sigwatch.alert.store;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing, newest first.
 *
 * @param nextCursor pass it back to get the next page; null when this is the last page
 */
public record Page<T>(List<T> items, String nextCursor) {
  public Page {
    items = List.copyOf(items);
  }

  public Optional<String> next() {
    return Optional.ofNullable(nextCursor);
  }
}
