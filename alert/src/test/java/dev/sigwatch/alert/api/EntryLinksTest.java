package dev.sigwatch.alert.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EntryLinksTest {
  @Test
  void rekorV1LinksByUuidAndIndexToTheHostOfItsOrigin() {
    String uuid = "24296fb24b8ad77a" + "ab".repeat(32);
    List<EntryLinks.Link> l = EntryLinks.of("rekor.sigstore.dev - 1193050959916656506", 123L, uuid, "REKOR");
    assertThat(l).extracting(EntryLinks.Link::href).containsExactly(
        "https://rekor.sigstore.dev/api/v1/log/entries/" + uuid,
        "https://search.sigstore.dev/?uuid=" + uuid,
        "https://rekor.sigstore.dev/api/v1/log/entries?logIndex=123",
        "https://search.sigstore.dev/?logIndex=123");
  }

  @Test
  void ctAndRekorV2ByTheAlertsSource() {
    assertThat(EntryLinks.of("ctfe.sigstore.dev/2022", 7L, null, "CT")).extracting(EntryLinks.Link::href)
        .containsExactly("https://ctfe.sigstore.dev/2022/ct/v1/get-entries?start=7&end=7");
    assertThat(EntryLinks.of("log2025-1.rekor.sigstore.dev", 1_234_567L, null, "REKOR"))
        .extracting(EntryLinks.Link::href)
        .containsExactly("https://log2025-1.rekor.sigstore.dev/api/v2/tile/entries/x004/822");
  }

  @Test
  void nothingForIdsThatAreNotHostsOrUnknownSources() {
    assertThat(EntryLinks.of("evil.example\"><script> - 1", 1L, null, null)).isEmpty();
    assertThat(EntryLinks.of("javascript:alert(1)", 1L, null, "CT")).isEmpty();
    assertThat(EntryLinks.of("log.example", 1L, null, null)).isEmpty();
    assertThat(EntryLinks.of(null, 1L, null, "CT")).isEmpty();
  }

  @Test
  void tilePathsGroupDigitsByThree() {
    assertThat(EntryLinks.tilePath(0)).isEqualTo("000");
    assertThat(EntryLinks.tilePath(1234)).isEqualTo("x001/234");
    assertThat(EntryLinks.tilePath(1_234_067)).isEqualTo("x001/x234/067");
  }
}
