package dev.sigwatch.schemas.serde;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How records are encoded on the wire.
 *
 * <ul>
 *   <li>{@code registryUrl == null} (the embedded default): Avro single-object encoding, resolved against the
 *       schemas shipped in this jar ({@link SchemaStore#shipped()}).
 *   <li>{@code registryUrl} set: the Confluent wire format, with schemas registered and fetched through any
 *       Confluent-compatible Schema Registry REST API (Confluent, Apicurio's {@code /apis/ccompat/v7}, Karapace).
 * </ul>
 * Readers accept both encodings either way (a registry-encoded record needs the registry to be configured).
 *
 * @param registryUrl base URL of the registry API, e.g. {@code http://127.0.0.1:8080/apis/ccompat/v7}; null for none
 * @param registryTimeout connect and per-request timeout of registry calls
 */
public record SerdeConfig(URI registryUrl, Duration registryTimeout) {

  /** Property (in a Kafka or Kafka Streams config map) naming the registry URL. Absent or blank = no registry. */
  public static final String REGISTRY_URL_CONFIG = "sigwatch.registry.url";
  /** Property with the registry timeout in milliseconds. */
  public static final String REGISTRY_TIMEOUT_MS_CONFIG = "sigwatch.registry.timeout.ms";
  /** Environment variable naming the registry URL (used by the launcher and the registry IT). */
  public static final String REGISTRY_URL_ENV = "SIGWATCH_REGISTRY_URL";
  /** A registry that does not answer within this stalls a stage, so keep it short; it is per request. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public SerdeConfig {
    if (registryTimeout == null || registryTimeout.isNegative() || registryTimeout.isZero()) {
      throw new IllegalArgumentException("registryTimeout must be > 0, was " + registryTimeout);
    }
    if (registryUrl != null) {
      String scheme = registryUrl.getScheme() == null ? "" : registryUrl.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("registryUrl must be an http(s) URL, was " + registryUrl);
      }
      if (registryUrl.getQuery() != null || registryUrl.getFragment() != null) {
        throw new IllegalArgumentException("registryUrl must have no query or fragment, was " + registryUrl);
      }
      String s = registryUrl.toString();
      if (s.endsWith("/")) registryUrl = URI.create(s.substring(0, s.length() - 1));
    }
  }

  /** No registry: Avro single-object encoding against the shipped schemas. */
  public static SerdeConfig embedded() {
    return new SerdeConfig(null, DEFAULT_TIMEOUT);
  }

  /** The Confluent wire format through the registry at {@code url}. */
  public static SerdeConfig registry(URI url) {
    return new SerdeConfig(url, DEFAULT_TIMEOUT);
  }

  /**
   * Reads {@link #REGISTRY_URL_CONFIG} and {@link #REGISTRY_TIMEOUT_MS_CONFIG} from a config map (values may be
   * strings or numbers, as in a Kafka Streams config); a missing or blank URL means no registry.
   */
  public static SerdeConfig fromProperties(Map<String, ?> configs) {
    Object url = configs.get(REGISTRY_URL_CONFIG);
    Object timeout = configs.get(REGISTRY_TIMEOUT_MS_CONFIG);
    Duration t = DEFAULT_TIMEOUT;
    if (timeout != null) {
      try {
        t = Duration.ofMillis(Long.parseLong(timeout.toString().trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            REGISTRY_TIMEOUT_MS_CONFIG + " must be a number of milliseconds, but was: " + timeout, e);
      }
    }
    String u = url == null ? "" : url.toString().trim();
    return new SerdeConfig(u.isEmpty() ? null : URI.create(u), t);
  }

  /** Reads {@link #REGISTRY_URL_ENV} from the environment map (e.g. {@code System.getenv()}). */
  public static SerdeConfig fromEnvironment(Map<String, String> env) {
    String u = env.getOrDefault(REGISTRY_URL_ENV, "").trim();
    return new SerdeConfig(u.isEmpty() ? null : URI.create(u), DEFAULT_TIMEOUT);
  }

  /** The registry URL, if one is configured. */
  public Optional<URI> registry() {
    return Optional.ofNullable(registryUrl);
  }

  /** These settings as a config map, e.g. to put into a Kafka Streams config for the DLQ handler. */
  public Map<String, Object> asProperties() {
    return registryUrl == null
        ? Map.of(REGISTRY_TIMEOUT_MS_CONFIG, registryTimeout.toMillis())
        : Map.of(REGISTRY_URL_CONFIG, registryUrl.toString(), REGISTRY_TIMEOUT_MS_CONFIG, registryTimeout.toMillis());
  }
}
