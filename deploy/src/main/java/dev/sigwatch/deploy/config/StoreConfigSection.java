package dev.sigwatch.deploy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.AlertStores;
import dev.sigwatch.alert.store.Retention;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code store:} — the alert store that {@code sigwatch alert} and {@code sigwatch run} fill and the HTTP API, search
 * and replay read.
 *
 * @param enabled false = no store (alerts still go to the topic and the sinks); default true
 * @param url {@code jdbc:postgresql://host:5432/db} for production, {@code jdbc:sqlite:/path/file.db}; default
 *     {@code jdbc:sqlite:<dataDir>/store.db}
 * @param user PostgreSQL user (or in the URL); write {@code ${PGUSER}} to take it from the environment
 * @param password PostgreSQL password; write {@code ${PGPASSWORD}}, never the secret itself
 * @param group the Kafka consumer group whose offsets the store keeps; default {@code sigwatch-alert-store}
 * @param retention how long each table keeps rows: ISO-8601 durations or {@code forever}
 */
public record StoreConfigSection(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("url") String url,
    @JsonProperty("user") String user,
    @JsonProperty("password") String password,
    @JsonProperty("group") String group,
    @JsonProperty("retention") RetentionSection retention) {

  public static final String DEFAULT_GROUP = "sigwatch-alert-store";
  static final StoreConfigSection DEFAULT = new StoreConfigSection(null, null, null, null, null, null);

  public StoreConfigSection {
    enabled = enabled == null || enabled;
    group = group == null ? DEFAULT_GROUP : group;
    retention = retention == null ? RetentionSection.DEFAULT : retention;
  }

  /**
   * {@code store.retention:} per table; unset keys keep {@link Retention#DEFAULT}'s value (alerts P365D, identities
   * P90D, logEvents P90D, replays P30D).
   */
  public record RetentionSection(@JsonProperty("alerts") String alerts, @JsonProperty("identities") String identities,
      @JsonProperty("logEvents") String logEvents, @JsonProperty("replays") String replays) {
    static final RetentionSection DEFAULT = new RetentionSection(null, null, null, null);
  }

  /** The JDBC URL: {@code url}, or the SQLite file under {@code dataDir}. */
  public String jdbcUrl(Path dataDir) {
    return url != null ? url : AlertStores.sqliteUrl(dataDir.resolve(AlertStores.DEFAULT_FILE));
  }

  /** Opens the store (creating and migrating the schema). */
  public AlertStore open(Path dataDir) {
    return AlertStores.open(jdbcUrl(dataDir), user, password);
  }

  /** The retention, each table's key checked. */
  public Retention toRetention() throws ConfigException {
    Retention d = Retention.DEFAULT;
    return new Retention(duration("alerts", retention.alerts(), d.alerts()),
        duration("identities", retention.identities(), d.identities()),
        duration("logEvents", retention.logEvents(), d.logEvents()),
        duration("replays", retention.replays(), d.replays()));
  }

  /** Problems with these settings, naming the key; empty when valid. */
  List<String> problems() {
    List<String> p = new ArrayList<>();
    if (url != null && !url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
      p.add("store.url must start with jdbc:postgresql: or jdbc:sqlite:, was: " + url.replaceAll("(?i)(password=)[^&;]*", "$1***"));
    }
    if (group.isBlank()) p.add("store.group must not be empty");
    try {
      toRetention();
    } catch (ConfigException e) {
      p.add(e.getMessage());
    }
    return p;
  }

  private static Duration duration(String key, String value, Duration dflt) throws ConfigException {
    if (value == null) return dflt;
    if (value.trim().toLowerCase(Locale.ROOT).equals("forever")) return null;
    try {
      Duration d = Duration.parse(value.trim());
      if (d.isNegative() || d.isZero()) throw new DateTimeParseException("not positive", value, 0);
      return d;
    } catch (DateTimeParseException e) {
      throw new ConfigException("store.retention." + key + " must be a positive ISO-8601 duration like P90D, or "
          + "forever, but was: " + value);
    }
  }
}
