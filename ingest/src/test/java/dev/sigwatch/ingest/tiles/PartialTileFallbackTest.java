package dev.sigwatch.ingest.tiles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.tiles.TileFetcher;
import dev.sigwatch.ingest.Fetched;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.simulator.SigstoreSimulator;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A log may delete a partial tile once the full one exists (C2SP tlog-tiles): a fetch planned at the old width reads
 * the full bundle and hash tile instead, against the simulator's Rekor v2 log over real local HTTP.
 */
class PartialTileFallbackTest {
  @Test
  void aPartialBundleAndTileTheLogDeletedAreReadFromTheFullOnes() throws Exception {
    try (SigstoreSimulator sim = SigstoreSimulator.builder().build().start()) {
      HttpClient http = HttpClient.newHttpClient();
      List<String> requests = new CopyOnWriteArrayList<>();
      Set<String> gone = Set.of("tile/entries/000.p/200", "tile/0/000.p/200");
      TileFetcher fetcher = path -> {
        requests.add(path);
        if (gone.contains(path)) throw new FileNotFoundException(path);
        try {
          HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(sim.rekorV2Url() + "/api/v2/" + path))
              .build(), HttpResponse.BodyHandlers.ofByteArray());
          if (r.statusCode() == 404) throw new FileNotFoundException(path);
          if (r.statusCode() != 200) throw new IOException(path + ": HTTP " + r.statusCode());
          return r.body();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      };
      sim.grow(200);
      RekorV2Source source = new RekorV2Source(LogTarget.of("rekor-v2", sim.rekorV2Url()), fetcher,
          Topics.create(SerdeConfig.embedded()), Clock.systemUTC());
      source.poll(Map.of()); // the source knows size 200 (tile 0 is .p/200)
      sim.grow(100); // the log grows past 256 and deletes its partial tiles; the source has not polled yet

      List<Fetched> got = source.fetch(150, 200);

      assertThat(requests).containsSubsequence("tile/0/000.p/200", "tile/0/000", "tile/entries/000.p/200",
          "tile/entries/000");
      assertThat(got).extracting(Fetched::index).containsExactlyElementsOf(
          java.util.stream.LongStream.range(150, 200).boxed().toList());
      for (Fetched f : got) {
        RekorEntry e = (RekorEntry) ((Fetched.Entry) f).value();
        ByteBuffer b = e.getBody().duplicate();
        byte[] body = new byte[b.remaining()];
        b.get(body);
        assertThat(body).isEqualTo(sim.rekorV2().body(f.index()));
      }
    }
  }
}
