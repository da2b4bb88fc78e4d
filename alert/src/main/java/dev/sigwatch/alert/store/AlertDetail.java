package dev.sigwatch.alert.store;

import java.util.List;

/** An alert with everything known about it: its evidence (in {@link StoredAlert#evidence()}) and its history. */
public record AlertDetail(StoredAlert alert, List<AlertHistory> history) {
  public AlertDetail {
    if (alert == null) throw new IllegalArgumentException("alert must not be null");
    history = List.copyOf(history);
  }
}
