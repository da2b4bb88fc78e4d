package dev.sigwatch.ingest;

import java.net.URI;
import java.util.Locale;

/**
 * A log to ingest.
 *
 * @param family its protocol
 * @param url base URL, e.g. {@code https://rekor.sigstore.dev} or {@code https://ctfe.sigstore.dev/2022}
 */
public record LogTarget(Family family, URI url) {
  /** Log protocols. */
  public enum Family {
    REKOR_V1("rekor-v1"), REKOR_V2("rekor-v2"), CT("ct"), STATIC_CT("static-ct");

    private final String configName;

    Family(String configName) {
      this.configName = configName;
    }

    /** The name in configuration files ({@code rekor-v1}, {@code rekor-v2}, {@code ct}, {@code static-ct}). */
    public String configName() {
      return configName;
    }

    public static Family of(String configName) {
      for (Family f : values()) if (f.configName.equals(configName.toLowerCase(Locale.ROOT))) return f;
      throw new IllegalArgumentException("log type must be one of rekor-v1, rekor-v2, ct, static-ct, but was: " + configName);
    }
  }

  public LogTarget {
    if (family == null) throw new IllegalArgumentException("family must not be null");
    if (url == null || url.getScheme() == null || url.getHost() == null) {
      throw new IllegalArgumentException("url must be an absolute http(s) URL, was " + url);
    }
    String s = url.toString();
    if (s.endsWith("/")) url = URI.create(s.substring(0, s.length() - 1));
  }

  public static LogTarget of(String family, String url) {
    return new LogTarget(Family.of(family), URI.create(url));
  }

  /** The URL without scheme: the CT log id and the Rekor v2 origin, e.g. {@code ctfe.sigstore.dev/2022}. */
  public String withoutScheme() {
    String s = url.toString();
    return s.substring(s.indexOf("://") + 3);
  }

  /** A resolved URL below the base: {@code resolve("api/v1/log")}. */
  public URI resolve(String relative) {
    return URI.create(url + "/" + relative);
  }
}
