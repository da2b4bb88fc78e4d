package dev.sigwatch.ingest.rekor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.http.LogHttp;
import dev.sigwatch.ingest.http.MalformedResponseException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/** {@link RekorV1Client} over {@link LogHttp}. Thread-safe. */
public final class HttpRekorV1Client implements RekorV1Client {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LogTarget target;
  private final LogHttp http;

  public HttpRekorV1Client(LogTarget target, LogHttp http) {
    this.target = target;
    this.http = http;
  }

  @Override
  public RekorLogInfo logInfo() throws IOException, InterruptedException {
    byte[] raw = http.get(target.resolve("api/v1/log"));
    JsonNode n = parse(raw, "log info");
    List<RekorLogInfo.Shard> inactive = new ArrayList<>();
    for (JsonNode s : n.path("inactiveShards")) inactive.add(shard(s));
    return new RekorLogInfo(shard(n), inactive, raw);
  }

  private static RekorLogInfo.Shard shard(JsonNode n) throws MalformedResponseException {
    try {
      if (!n.path("treeSize").canConvertToLong() || !n.path("signedTreeHead").isTextual()) {
        throw new MalformedResponseException("log info: want treeSize and signedTreeHead, got " + n);
      }
      return new RekorLogInfo.Shard(n.path("treeID").asText(), n.path("treeSize").asLong(),
          HexFormat.of().parseHex(n.path("rootHash").asText()), n.path("signedTreeHead").asText());
    } catch (IllegalArgumentException e) {
      throw new MalformedResponseException("log info: " + e.getMessage(), e);
    }
  }

  @Override
  public List<byte[]> consistencyProof(String treeId, long firstSize, long lastSize)
      throws IOException, InterruptedException {
    byte[] raw = http.get(target.resolve("api/v1/log/proof?firstSize=" + firstSize + "&lastSize=" + lastSize
        + "&treeID=" + URLEncoder.encode(treeId, StandardCharsets.UTF_8)));
    JsonNode n = parse(raw, "consistency proof");
    List<byte[]> hashes = new ArrayList<>();
    try {
      for (JsonNode h : n.path("hashes")) hashes.add(HexFormat.of().parseHex(h.asText()));
    } catch (IllegalArgumentException e) {
      throw new MalformedResponseException("consistency proof: hash is not hex: " + e.getMessage(), e);
    }
    return hashes;
  }

  @Override
  public List<ServedEntry> retrieve(List<Long> logIndexes) throws IOException, InterruptedException {
    if (logIndexes.isEmpty() || logIndexes.size() > MAX_RETRIEVE) {
      throw new IllegalArgumentException("need 1 to " + MAX_RETRIEVE + " indexes, got " + logIndexes.size());
    }
    String body = logIndexes.stream().map(String::valueOf).collect(Collectors.joining(",", "{\"logIndexes\":[", "]}"));
    byte[] raw = http.postJson(target.resolve("api/v1/log/entries/retrieve"), body);
    return ServedEntry.parseArray(raw);
  }

  /**
   * Up to 32 times the response limit (1 GiB by default): memory does not grow with it (the answer is hashed as it
   * streams), only the time one fetch thread spends reading; beyond it the entry stays unread and is reported at
   * every attempt.
   */
  static final int STREAMED_LIMIT_FACTOR = 32;

  @Override
  public StreamedEntry retrieveStreamed(long logIndex, int keep) throws IOException, InterruptedException {
    return http.postJsonStreamed(target.resolve("api/v1/log/entries/retrieve"), "{\"logIndexes\":[" + logIndex + "]}",
        (long) http.maxResponseBytes() * STREAMED_LIMIT_FACTOR, in -> StreamedEntry.read(in, keep));
  }

  private static JsonNode parse(byte[] raw, String what) throws MalformedResponseException {
    try {
      return JSON.readTree(raw);
    } catch (IOException e) {
      throw new MalformedResponseException(what + ": bad JSON: " + e.getMessage(), e);
    }
  }
}
