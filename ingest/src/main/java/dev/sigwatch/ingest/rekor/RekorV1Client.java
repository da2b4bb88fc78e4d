package dev.sigwatch.ingest.rekor;

import java.io.IOException;
import java.util.List;

/**
 * The Rekor v1 read API a monitor needs. Implementations are thread-safe; every method may be retried by the caller.
 */
public interface RekorV1Client {
  /** Rekor's own cap on indexes per {@link #retrieve} request (HTTP 422 above). */
  int MAX_RETRIEVE = 10;

  /** {@code GET /api/v1/log}: the active shard's tree head and the inactive shards' final ones. */
  RekorLogInfo logInfo() throws IOException, InterruptedException;

  /** {@code GET /api/v1/log/proof}: consistency proof of shard {@code treeId} from {@code firstSize} to {@code lastSize}. */
  List<byte[]> consistencyProof(String treeId, long firstSize, long lastSize) throws IOException, InterruptedException;

  /**
   * {@code POST /api/v1/log/entries/retrieve} for at most {@link #MAX_RETRIEVE} virtual log indexes. Returns the
   * served entries in the order served (each {@code {uuid: entry}} object read, with its raw bytes); an index the log
   * does not have is simply absent.
   *
   * @throws dev.sigwatch.ingest.http.MalformedResponseException when the answer (or any object in it) is unusable
   */
  List<ServedEntry> retrieve(List<Long> logIndexes) throws IOException, InterruptedException;

  /**
   * {@link #retrieve} of one index whose answer is over the response limit, read as a stream: the body's leaf hash
   * and the first {@code keep} bytes of the body and of the answer (see {@link StreamedEntry}).
   */
  StreamedEntry retrieveStreamed(long logIndex, int keep) throws IOException, InterruptedException;
}
