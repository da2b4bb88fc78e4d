package dev.sigwatch.alert.sink.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.alert.sink.MessageJson;
import dev.sigwatch.alert.sink.Sink;
import dev.sigwatch.alert.sink.SinkException;
import dev.sigwatch.alert.sink.SinkMessage;
import dev.sigwatch.alert.sink.http.HttpDelivery;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * POSTs alerts as JSON, signed the Standard Webhooks way. One request carries 1 to {@code batchSize} messages:
 * <pre>
 * webhook-id: &lt;idempotency key of the one message, or "batch_" + SHA-256 of the batch's keys&gt;
 * webhook-timestamp: &lt;unix seconds&gt;
 * webhook-signature: v1,&lt;base64 HMAC&gt; [v1,... per further secret]
 * {"type":"sigwatch.alerts","timestamp":"…","data":[{MessageJson}, …]}
 * </pre>
 * Each element of {@code data} carries its own {@code idempotencyKey}; a receiver that dedupes on it gets each alert
 * once however deliveries are retried or batched.
 */
public final class WebhookSink implements Sink {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final URI url;
  private final WebhookSigner signer;
  private final HttpDelivery http;
  private final int batchSize;
  private final Duration linger;
  private final Clock clock;

  public WebhookSink(URI url, WebhookSigner signer, HttpDelivery http, int batchSize, Duration linger, Clock clock) {
    if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    this.url = url;
    this.signer = signer;
    this.http = http;
    this.batchSize = batchSize;
    this.linger = linger;
    this.clock = clock;
  }

  @Override
  public void deliver(List<SinkMessage> batch) throws SinkException {
    Instant now = clock.instant();
    ObjectNode body = MAPPER.createObjectNode();
    body.put("type", "sigwatch.alerts");
    body.put("timestamp", now.toString());
    ArrayNode data = body.putArray("data");
    batch.forEach(m -> data.add(MessageJson.toNode(m)));
    String json = body.toString();
    String id = id(batch);
    HttpRequest.Builder req = http.request(url)
        .header("Content-Type", "application/json")
        .header("User-Agent", "sigwatch")
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(now.getEpochSecond()))
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    if (signer.signs()) {
      req.header("webhook-signature", signer.signature(id, now.getEpochSecond(), json));
    }
    http.sendOk(req.build(), "posting " + batch.size() + " message(s) to " + HttpDelivery.hostOf(url));
  }

  /** The message's idempotency key, or for a batch a hash of its keys (the same batch gets the same id). */
  static String id(List<SinkMessage> batch) {
    if (batch.size() == 1) return batch.get(0).idempotencyKey();
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (SinkMessage m : batch) {
        md.update(m.idempotencyKey().getBytes(StandardCharsets.UTF_8));
        md.update((byte) '\n');
      }
      return "batch_" + HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  @Override
  public int maxBatch() {
    return batchSize;
  }

  @Override
  public Duration linger() {
    return linger;
  }

  @Override
  public String describe() {
    return "webhook " + url.getScheme() + "://" + HttpDelivery.hostOf(url);
  }
}
