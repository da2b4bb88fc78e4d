package dev.sigwatch.schemas.serde;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IngestPosition;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.WatchRule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every released version of every record schema, by CRC-64-AVRO fingerprint of its Parsing Canonical Form: the
 * writer schemas a single-object-encoded record may carry.
 *
 * <p>Released versions live in the jar as {@code dev/sigwatch/schemas/history/<Name>.v<N>.avsc}, N = 1, 2, …
 * without gaps, each self-contained (named types inlined). The highest version of each record must equal the schema
 * of its generated class; {@code SchemaStoreTest} enforces that, so a change to an {@code .avsc} needs a new history
 * file (never an edit of an old one: records written with it must stay readable).
 *
 * <p>Immutable and thread-safe.
 */
public final class SchemaStore {

  /** The record types of the topics; their history is loaded by {@link #shipped()}. */
  public static final List<Class<? extends SpecificRecord>> SHIPPED_TYPES = List.of(
      Checkpoint.class, RekorEntry.class, CtEntry.class, LogEvent.class, IdentityEvent.class,
      Alert.class, WatchRule.class, RejectedRecord.class, IngestPosition.class,
      dev.sigwatch.schemas.Authorization.class);

  static final String HISTORY_PATH = "/dev/sigwatch/schemas/history/";

  private static final class Shipped {
    static final SchemaStore INSTANCE = loadShipped();
  }

  private final Map<Long, Schema> byFingerprint;
  private final Map<String, List<Schema>> versionsByName;

  private SchemaStore(Map<Long, Schema> byFingerprint, Map<String, List<Schema>> versionsByName) {
    this.byFingerprint = Map.copyOf(byFingerprint);
    Map<String, List<Schema>> copy = new LinkedHashMap<>();
    versionsByName.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    this.versionsByName = copy;
  }

  /** The history shipped in this jar, loaded once. Throws if a history file is missing or does not parse. */
  public static SchemaStore shipped() {
    return Shipped.INSTANCE;
  }

  /** A store of exactly these schemas (versions in the given order per record name). */
  public static SchemaStore of(Collection<Schema> schemas) {
    SchemaStore store = new SchemaStore(Map.of(), Map.of());
    for (Schema s : schemas) store = store.with(s);
    return store;
  }

  /** This store plus {@code schema} as the newest version of its record; no-op if its fingerprint is known. */
  public SchemaStore with(Schema schema) {
    long fp = fingerprint(schema);
    Schema known = byFingerprint.get(fp);
    if (known != null) {
      if (!known.getFullName().equals(schema.getFullName())) {
        throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
            "fingerprint %016x of %s collides with %s", fp, schema.getFullName(), known.getFullName()));
      }
      return this;
    }
    Map<Long, Schema> fps = new HashMap<>(byFingerprint);
    fps.put(fp, schema);
    Map<String, List<Schema>> versions = new LinkedHashMap<>(versionsByName);
    List<Schema> list = new ArrayList<>(versions.getOrDefault(schema.getFullName(), List.of()));
    list.add(schema);
    versions.put(schema.getFullName(), list);
    return new SchemaStore(fps, versions);
  }

  /** The schema with this fingerprint, or empty if no known version has it. */
  public Optional<Schema> byFingerprint(long fingerprint) {
    return Optional.ofNullable(byFingerprint.get(fingerprint));
  }

  /** Every known version of the named record, oldest first (v1 first); empty if the name is unknown. */
  public List<Schema> versions(String fullName) {
    return versionsByName.getOrDefault(fullName, List.of());
  }

  /** Number of schema versions known. */
  public int size() {
    return byFingerprint.size();
  }

  /** CRC-64-AVRO fingerprint of the schema's Parsing Canonical Form, as Avro single-object encoding uses. */
  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  private static SchemaStore loadShipped() {
    SchemaStore store = new SchemaStore(Map.of(), Map.of());
    for (Class<? extends SpecificRecord> type : SHIPPED_TYPES) {
      String name = type.getSimpleName();
      for (int v = 1; ; v++) {
        String path = HISTORY_PATH + name + ".v" + v + ".avsc";
        try (InputStream in = SchemaStore.class.getResourceAsStream(path)) {
          if (in == null) {
            if (v == 1) throw new IllegalStateException("no schema history for " + name + ": missing " + path);
            break;
          }
          Schema schema = new Schema.Parser().parse(in);
          if (!schema.getFullName().equals(type.getName())) {
            throw new IllegalStateException(path + " defines " + schema.getFullName() + ", want " + type.getName());
          }
          store = store.with(schema);
        } catch (IOException e) {
          throw new UncheckedIOException("reading schema history " + path, e);
        }
      }
    }
    return store;
  }
}
