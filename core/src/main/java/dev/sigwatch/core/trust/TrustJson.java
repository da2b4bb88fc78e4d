package dev.sigwatch.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * What every trust document's reader does first (trusted root, signing config, monitor config): read the file, parse
 * a JSON object, check its media type; each error names the document ({@code what}) and says what was expected.
 */
public final class TrustJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TrustJson() {}

  /** The UTF-8 text of {@code file}; "reading {what} {file}: ..." when it cannot be read. */
  public static String read(Path file, String what) throws TrustException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TrustException("reading " + what + " " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The JSON object of {@code json}, whose {@code mediaType} {@code accepted} accepts (it is given "" when absent).
   *
   * @param expected the media type named in the error
   */
  static JsonNode object(String json, String what, Predicate<String> accepted, String expected) throws TrustException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new TrustException(what + " is not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new TrustException(what + " must be a JSON object");
    }
    String mediaType = root.path("mediaType").asText("");
    if (!accepted.test(mediaType)) {
      throw new TrustException(what + " media type must be " + expected + ", but was: \"" + mediaType + "\"");
    }
    return root;
  }
}
