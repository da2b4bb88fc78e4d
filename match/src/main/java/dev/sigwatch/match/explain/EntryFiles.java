package dev.sigwatch.match.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.match.parse.EntryParseException;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.RekorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/**
 * Reads entry files into the records the stage consumes: Rekor v1 entries as the API returns them
 * ({@code {uuid: entry}}, a bare entry, a bare entry with {@code uuid}), Rekor v2 / bundle {@code TransparencyLogEntry}
 * JSON, Sigstore bundles (every tlog entry), PyPI attestations, and CT get-entries leaves
 * ({@code {leaf_input, extra_data}}). Stateless and thread-safe.
 */
public final class EntryFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a file held. */
  public sealed interface Loaded permits Rekor, Ct {}

  /** A Rekor entry. */
  public record Rekor(RekorEntry entry) implements Loaded {}

  /** A CT entry. */
  public record Ct(CtEntry entry) implements Loaded {}

  private EntryFiles() {}

  public static List<Loaded> load(Path file) throws IOException, EntryParseException {
    return parse(Files.readAllBytes(file));
  }

  public static List<Loaded> parse(byte[] json) throws IOException, EntryParseException {
    JsonNode root = JSON.readTree(json);
    if (root == null || !root.isObject()) {
      throw new EntryParseException("entry file must hold a JSON object");
    }
    List<Loaded> out = new ArrayList<>();
    if (root.has("leaf_input")) {
      out.add(new Ct(ct(root)));
    } else if (root.has("canonicalizedBody")) {
      out.add(new Rekor(tlogEntry(root)));
    } else if (root.has("verificationMaterial") || root.has("verification_material")) {
      JsonNode vm = root.has("verificationMaterial") ? root.get("verificationMaterial") : root.get("verification_material");
      JsonNode entries = vm.has("tlogEntries") ? vm.get("tlogEntries") : vm.path("transparency_entries");
      for (JsonNode e : entries) {
        out.add(new Rekor(tlogEntry(e)));
      }
    } else if (root.has("body")) {
      out.add(new Rekor(v1(root, root.path("uuid").asText(null))));
    } else {
      for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
        String uuid = it.next();
        out.add(new Rekor(v1(root.get(uuid), uuid)));
      }
    }
    if (out.isEmpty()) {
      throw new EntryParseException("entry file holds no log entry");
    }
    return out;
  }

  /** A Rekor v1 API entry. */
  static RekorEntry v1(JsonNode e, String uuid) throws EntryParseException {
    if (!e.has("body") || !e.has("logIndex")) {
      throw new EntryParseException("Rekor v1 entry must have body and logIndex");
    }
    JsonNode proof = e.path("verification").path("inclusionProof");
    String origin = origin(proof.path("checkpoint").asText(""));
    long logIndex = e.get("logIndex").asLong();
    return RekorEntry.newBuilder()
        .setLogId(origin != null ? origin : e.path("logID").asText("unknown"))
        .setLogType(LogType.REKOR_V1)
        .setLeafIndex(proof.has("logIndex") ? proof.get("logIndex").asLong() : logIndex)
        .setLogIndex(logIndex)
        .setUuid(uuid)
        .setIntegratedTime(e.has("integratedTime") ? e.get("integratedTime").asLong() : null)
        .setBody(ByteBuffer.wrap(Base64.getDecoder().decode(e.get("body").asText())))
        .setRaw(ByteBuffer.wrap(e.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .setObservedAtMillis(0L)
        .build();
  }

  /** A TransparencyLogEntry (Rekor v2 entry file or a bundle's tlog entry; v1 when it has an integrated time). */
  static RekorEntry tlogEntry(JsonNode e) throws EntryParseException {
    if (!e.has("canonicalizedBody") || !e.has("logIndex")) {
      throw new EntryParseException("TransparencyLogEntry must have canonicalizedBody and logIndex");
    }
    JsonNode proof = e.path("inclusionProof");
    String origin = origin(proof.path("checkpoint").path("envelope").asText(""));
    long logIndex = e.get("logIndex").asLong();
    boolean v1 = e.has("integratedTime") && e.get("integratedTime").asLong() > 0;
    return RekorEntry.newBuilder()
        .setLogId(origin != null ? origin : e.path("logId").path("keyId").asText("unknown"))
        .setLogType(v1 ? LogType.REKOR_V1 : LogType.REKOR_V2)
        .setLeafIndex(proof.has("logIndex") ? proof.get("logIndex").asLong() : logIndex)
        .setLogIndex(logIndex)
        .setIntegratedTime(v1 ? e.get("integratedTime").asLong() : null)
        .setBody(ByteBuffer.wrap(Base64.getDecoder().decode(e.get("canonicalizedBody").asText())))
        .setObservedAtMillis(0L)
        .build();
  }

  static CtEntry ct(JsonNode e) {
    return CtEntry.newBuilder()
        .setLogId(e.path("log_id").asText("ct"))
        .setLogType(LogType.CT)
        .setIndex(e.path("index").asLong(0))
        .setLeafInput(ByteBuffer.wrap(Base64.getDecoder().decode(e.get("leaf_input").asText())))
        .setExtraData(ByteBuffer.wrap(Base64.getDecoder().decode(e.path("extra_data").asText(""))))
        .setObservedAtMillis(0L)
        .build();
  }

  /** The first line of a checkpoint: the log's origin; null when there is no checkpoint. */
  private static String origin(String checkpoint) {
    int nl = checkpoint.indexOf('\n');
    return nl <= 0 ? null : checkpoint.substring(0, nl);
  }
}
