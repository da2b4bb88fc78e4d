package dev.sigwatch.alert.sink;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Collection;

/**
 * A secret setting (HMAC key, token, password, a Slack webhook URL): its {@link #toString()} never shows the value,
 * so a secret that ends up in a log line or an exception message by accident shows as {@code ***}. Configured from
 * the environment ({@code ${NAME}}); {@link #redact} scrubs known secrets from text that came from elsewhere (an
 * exception of a library, a server's answer).
 */
public record Secret(String value) {
  public Secret {
    if (value == null || value.isEmpty()) throw new IllegalArgumentException("a secret must not be empty");
  }

  @JsonCreator
  public static Secret of(String value) {
    return new Secret(value);
  }

  /** {@code text} with every occurrence of any of {@code secrets} (and of their URL-encoded form) replaced by ***. */
  public static String redact(String text, Collection<Secret> secrets) {
    if (text == null) return null;
    String out = text;
    for (Secret s : secrets) {
      out = out.replace(s.value, "***");
      String encoded = java.net.URLEncoder.encode(s.value, java.nio.charset.StandardCharsets.UTF_8);
      if (!encoded.equals(s.value)) out = out.replace(encoded, "***");
    }
    return out;
  }

  @Override
  public String toString() {
    return "***";
  }
}
