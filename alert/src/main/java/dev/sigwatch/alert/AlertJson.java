package dev.sigwatch.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.schemas.Alert;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one JSON shape of an alert that every text sink (JSON lines, webhook, SIEM) writes.
 * Field names follow the Avro schema; maps are sorted so equal alerts serialize to equal bytes.
 */
public final class AlertJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AlertJson() {}

  public static ObjectNode toNode(Alert a) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("alertId", a.getAlertId());
    n.put("type", a.getType());
    n.put("severity", a.getSeverity().name());
    n.put("createdAt", Instant.ofEpochMilli(a.getCreatedAtMillis()).toString());
    putIfPresent(n, "logId", a.getLogId());
    if (a.getLogIndex() != null) {
      n.put("logIndex", a.getLogIndex());
    }
    putIfPresent(n, "uuid", a.getUuid());
    putIfPresent(n, "ruleId", a.getRuleId());
    putIfPresent(n, "identity", a.getIdentity());
    n.put("summary", a.getSummary());
    n.set("certificate", MAPPER.valueToTree(sorted(a.getCertificate())));
    n.set("evidence", MAPPER.valueToTree(sorted(a.getEvidence())));
    return n;
  }

  /** One line of JSON, no trailing newline. */
  public static String toLine(Alert a) {
    try {
      return MAPPER.writeValueAsString(toNode(a));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("serializing alert " + a.getAlertId(), e);
    }
  }

  private static void putIfPresent(ObjectNode n, String field, String value) {
    if (value != null) {
      n.put(field, value);
    }
  }

  private static Map<String, String> sorted(Map<String, String> m) {
    return m == null ? Map.of() : new TreeMap<>(m);
  }
}
