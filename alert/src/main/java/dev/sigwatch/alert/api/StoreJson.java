package dev.sigwatch.alert.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.alert.store.AlertDetail;
import dev.sigwatch.alert.store.AlertHistory;
import dev.sigwatch.alert.store.LogStatus;
import dev.sigwatch.alert.store.ReplayRun;
import dev.sigwatch.alert.store.StoredAlert;
import dev.sigwatch.alert.store.StoredIdentity;
import java.time.Instant;
import java.util.Set;
import java.util.TreeMap;

/** The API's JSON shapes of the store's records (documented in {@code openapi.json}). Stateless. */
final class StoreJson {
  /** History kinds written by a person; the rest are the pipeline's incident events. */
  private static final Set<String> PERSON_ACTIONS = Set.of("ACKNOWLEDGED", "RESOLVED");

  private StoreJson() {}

  static ObjectNode alertSummary(StoredAlert a) {
    ObjectNode n = ApiServer.JSON.createObjectNode();
    n.put("alertId", a.alertId());
    n.put("type", a.type());
    n.put("severity", a.severity().name());
    n.put("state", a.state().name());
    n.put("createdAt", a.createdAt().toString());
    put(n, "updatedAt", a.updatedAt());
    n.put("observations", a.observations());
    put(n, "logId", a.logId());
    if (a.logIndex() != null) {
      n.put("logIndex", a.logIndex());
    }
    put(n, "uuid", a.uuid());
    put(n, "ruleId", a.ruleId());
    put(n, "identity", a.identity());
    n.put("summary", a.summary());
    return n;
  }

  static ObjectNode alert(StoredAlert a) {
    ObjectNode n = alertSummary(a);
    put(n, "storedAt", a.storedAt());
    n.set("certificate", ApiServer.JSON.valueToTree(new TreeMap<>(a.certificate())));
    n.set("evidence", ApiServer.JSON.valueToTree(new TreeMap<>(a.evidence())));
    return n;
  }

  /** {@code {alert, state, history (people), events (pipeline), links, logStatus}}; {@code log} may be null. */
  static ObjectNode detail(AlertDetail d, LogStatus log) {
    StoredAlert a = d.alert();
    ObjectNode n = ApiServer.JSON.createObjectNode();
    n.set("alert", alert(a));
    n.put("state", a.state().name());
    ArrayNode history = n.putArray("history");
    ArrayNode events = n.putArray("events");
    for (AlertHistory h : d.history()) {
      if (PERSON_ACTIONS.contains(h.kind()) && h.eventId() == null) {
        ObjectNode e = history.addObject();
        e.put("at", h.at().toString());
        e.put("action", h.kind());
        put(e, "by", h.actor());
        put(e, "reason", h.reason());
      } else {
        ObjectNode e = events.addObject();
        e.put("at", h.at().toString());
        e.put("type", h.kind());
        put(e, "reason", h.reason());
        put(e, "eventId", h.eventId());
        e.set("detail", ApiServer.JSON.valueToTree(new TreeMap<>(h.detail())));
      }
    }
    ArrayNode links = n.putArray("links");
    for (EntryLinks.Link l : EntryLinks.of(a.logId(), a.logIndex(), a.uuid(), a.evidence().get("source"))) {
      links.addObject().put("title", l.title()).put("href", l.href());
    }
    if (log != null) {
      n.set("logStatus", log(log));
    }
    return n;
  }

  static ObjectNode identity(StoredIdentity i) {
    ObjectNode n = ApiServer.JSON.createObjectNode();
    n.put("source", i.source().name());
    n.put("logId", i.logId());
    n.put("logIndex", i.logIndex());
    put(n, "uuid", i.uuid());
    put(n, "entryTime", i.entryTime());
    put(n, "observedAt", i.observedAt());
    n.put("entryKind", i.entryKind() + (i.entryVersion() == null ? "" : " " + i.entryVersion()));
    ArrayNode sans = n.putArray("sans");
    i.sans().forEach(s -> sans.addObject().put("type", s.getType()).put("value", s.getValue()));
    put(n, "oidcIssuer", i.oidcIssuer());
    n.set("extensions", ApiServer.JSON.valueToTree(new TreeMap<>(i.extensions())));
    n.set("subjects", ApiServer.JSON.valueToTree(i.subjects()));
    put(n, "certSha256", i.certSha256());
    n.set("keySha256s", ApiServer.JSON.valueToTree(i.keySha256()));
    put(n, "certSerial", i.certSerial());
    put(n, "certIssuerDn", i.certIssuerDn());
    put(n, "notBefore", i.notBefore());
    put(n, "notAfter", i.notAfter());
    put(n, "artifactDigest", i.artifactDigest());
    return n;
  }

  static ObjectNode log(LogStatus l) {
    ObjectNode n = ApiServer.JSON.createObjectNode();
    n.put("logId", l.logId());
    putLong(n, "size", l.size());
    putLong(n, "verifiedSize", l.verifiedSize());
    put(n, "verifiedRootHex", l.verifiedRootHex());
    put(n, "verifiedAt", l.verifiedAt());
    putLong(n, "auditedTo", l.auditedTo());
    putLong(n, "lag", l.lag());
    n.put("openIncidents", l.openIncidents());
    if (l.lastError() != null) {
      ObjectNode e = n.putObject("lastError");
      e.put("message", l.lastError());
      put(e, "at", l.lastErrorAt());
    }
    put(n, "updatedAt", l.updatedAt());
    return n;
  }

  static ObjectNode replay(ReplayRun r) {
    ObjectNode n = ApiServer.JSON.createObjectNode();
    n.put("name", r.name());
    n.put("state", r.state().name());
    n.put("source", r.source());
    put(n, "from", r.fromSpec());
    put(n, "to", r.toSpec());
    put(n, "logId", r.logId());
    put(n, "output", r.output());
    n.put("processed", r.scanned());
    if (r.total() >= 0) {
      n.put("total", r.total());
      n.put("percent", r.total() == 0 ? 100.0 : Math.min(100.0, 100.0 * r.scanned() / r.total()));
    }
    n.put("matches", r.matches());
    put(n, "startedAt", r.startedAt());
    put(n, "updatedAt", r.updatedAt());
    put(n, "finishedAt", r.finishedAt());
    put(n, "error", r.error());
    return n;
  }

  /** {@code {<itemsName>: [...]}}. */
  static <T> ObjectNode list(String itemsName, java.util.List<T> items, java.util.function.Function<T, ObjectNode> f) {
    ObjectNode n = ApiServer.JSON.createObjectNode();
    ArrayNode a = n.putArray(itemsName);
    items.forEach(i -> a.add(f.apply(i)));
    return n;
  }

  /** {@code {<itemsName>: [...], nextCursor}}; nextCursor is null on the last page. */
  static <T> ObjectNode page(String itemsName, java.util.List<T> items, java.util.function.Function<T, ObjectNode> f,
                             String nextCursor) {
    ObjectNode n = list(itemsName, items, f);
    if (nextCursor == null) {
      n.putNull("nextCursor");
    } else {
      n.put("nextCursor", nextCursor);
    }
    return n;
  }

  private static void put(ObjectNode n, String field, String v) {
    if (v != null) {
      n.put(field, v);
    }
  }

  private static void put(ObjectNode n, String field, Instant v) {
    if (v != null) {
      n.put(field, v.toString());
    }
  }

  private static void putLong(ObjectNode n, String field, Long v) {
    if (v != null) {
      n.put(field, v);
    }
  }
}
