package dev.sigwatch.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link BrokerLoad#perEntry}: the difference of two snapshots, worked out by hand. */
class BrokerLoadTest {
  @Test
  void requestsPerThousandEntriesAndBytesPerEntry() {
    Map<String, Long> from = Map.of("req:Produce", 5L, "req:Fetch", 3L, "req:Metadata", 7L, "bytesIn", 1_000L,
        "messagesIn", 10L);
    Map<String, Long> to = Map.of("req:Produce", 25L, "req:Fetch", 4L, "req:Metadata", 7L, "req:EndTxn", 2L,
        "bytesIn", 4_001_000L, "messagesIn", 4_010L);
    // 2,000 entries: Produce 20 -> 10 per thousand, EndTxn 2 -> 1, Fetch 1 -> 0.5, Metadata none (left out)
    assertThat(BrokerLoad.perEntry(from, to, 2_000)).isEqualTo("Produce 10.00, EndTxn 1.00, Fetch 0.50 requests per"
        + " 1,000 entries; 2,000 bytes and 2.0 records appended per entry");
  }

  @Test
  void noRequestsAndNoBroker() {
    Map<String, Long> same = Map.of("req:Produce", 5L, "bytesIn", 0L, "messagesIn", 0L);
    assertThat(BrokerLoad.perEntry(same, same, 100_000))
        .isEqualTo("no requests per 1,000 entries; 0 bytes and 0.0 records appended per entry");
    assertThat(BrokerLoad.perEntry(Map.of(), Map.of(), 10)).isEqualTo("no broker metrics in this JVM");
  }
}
