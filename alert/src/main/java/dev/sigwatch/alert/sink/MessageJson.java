package dev.sigwatch.alert.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.alert.AlertJson;
import dev.sigwatch.schemas.LogEvent;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.TreeMap;

/**
 * The JSON shape of one {@link SinkMessage}, shared by the webhook, syslog (JSON), hook and JSON-lines sinks:
 * <pre>
 * {"type":"alert.created|alert.continues|alert.resolved", "idempotencyKey":"…", "alertId":"…",
 *  "alert":{…AlertJson…} (when known), "update":{"eventId","type","logId","treeSize","at","detail"} (updates)}
 * </pre>
 */
public final class MessageJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private MessageJson() {}

  public static ObjectNode toNode(SinkMessage m) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("type", m.kind().eventType());
    n.put("idempotencyKey", m.idempotencyKey());
    n.put("alertId", m.alertId());
    if (m.alert() != null) {
      n.set("alert", AlertJson.toNode(m.alert()));
    }
    if (m.update() != null) {
      LogEvent e = m.update();
      ObjectNode u = n.putObject("update");
      u.put("eventId", e.getEventId());
      u.put("type", e.getType());
      u.put("logId", e.getLogId());
      if (e.getTreeSize() != null) u.put("treeSize", e.getTreeSize());
      u.put("at", Instant.ofEpochMilli(e.getAtMillis()).toString());
      u.set("detail", MAPPER.valueToTree(new TreeMap<>(m.detail())));
    }
    return n;
  }

  public static String toLine(SinkMessage m) {
    return write(toNode(m));
  }

  static String write(Object node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("serializing a sink message", e);
    }
  }
}
