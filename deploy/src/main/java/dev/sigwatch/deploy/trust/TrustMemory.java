package dev.sigwatch.deploy.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.core.trust.TrustException;
import dev.sigwatch.core.trust.TrustState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the monitor last trusted, kept across restarts in one file ({@code <dataDir>/trust/last-trusted.json}: the
 * documents of the trust state as read, by name), so a trusted-root change made while sigwatch was stopped is still a
 * TRUST_CHANGED alert at the next start. Written whole to a temporary file and moved in place (a crash leaves the
 * old or the new file, never half of one). Not thread-safe: {@link LiveTrust} calls it under its lock.
 */
public final class TrustMemory {
  private static final Logger log = LoggerFactory.getLogger(TrustMemory.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  public TrustMemory(Path file) {
    this.file = file;
  }

  /** The memory under {@code dataDir}. */
  public static TrustMemory in(Path dataDir) {
    return new TrustMemory(dataDir.resolve("trust").resolve("last-trusted.json"));
  }

  public Path file() {
    return file;
  }

  /**
   * The state last stored; empty when none was (a first start) or when the file cannot be read back (then a warning
   * says why and the next save replaces it: a damaged file must not stop the monitor).
   */
  public Optional<TrustState> load() {
    if (!Files.exists(file)) return Optional.empty();
    try {
      JsonNode docs = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8)).path("documents");
      if (!docs.isObject()) throw new TrustException("no documents object");
      Map<String, String> texts = new LinkedHashMap<>();
      for (var it = docs.fields(); it.hasNext(); ) {
        var e = it.next();
        if (!e.getValue().isTextual()) throw new TrustException("document " + e.getKey() + " is not a string");
        texts.put(e.getKey(), e.getValue().asText());
      }
      return Optional.of(TrustState.parse(texts));
    } catch (IOException | TrustException | RuntimeException e) {
      log.warn("trust: the last trusted state in {} cannot be read ({}); trust changes made while sigwatch was "
          + "stopped are not reported this time", file, e.getMessage());
      return Optional.empty();
    }
  }

  /** Stores {@code state} (its documents) as the last trusted one. A state without documents is not stored. */
  public void save(TrustState state) throws IOException {
    if (state.documents().isEmpty()) return;
    ObjectNode root = JSON.createObjectNode();
    root.put("savedAt", Instant.now().toString());
    ObjectNode docs = root.putObject("documents");
    state.documents().forEach(docs::put);
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root), StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
