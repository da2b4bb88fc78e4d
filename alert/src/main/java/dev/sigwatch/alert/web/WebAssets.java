package dev.sigwatch.alert.web;

import dev.sigwatch.alert.api.StaticContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web page: a fixed set of files from this package's resources, loaded into memory once. Only these names are
 * served (no path is ever mapped to the file system or the class path by the request), so no traversal is possible.
 */
public final class WebAssets implements StaticContent {
  private static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "app.js", "text/javascript; charset=utf-8",
      "app.css", "text/css; charset=utf-8",
      "favicon.svg", "image/svg+xml");

  private final Map<String, Asset> assets;

  private WebAssets(Map<String, Asset> assets) {
    this.assets = assets;
  }

  /** Loads the page's files; a missing one is a packaging bug and fails loudly. */
  public static WebAssets load() {
    Map<String, Asset> m = new java.util.HashMap<>();
    for (Map.Entry<String, String> f : FILES.entrySet()) {
      try (InputStream in = WebAssets.class.getResourceAsStream(f.getKey())) {
        if (in == null) {
          throw new IllegalStateException("web page file " + f.getKey() + " is missing from the jar");
        }
        m.put(f.getKey(), new Asset(in.readAllBytes(), f.getValue()));
      } catch (IOException e) {
        throw new UncheckedIOException("reading web page file " + f.getKey(), e);
      }
    }
    return new WebAssets(Map.copyOf(m));
  }

  @Override
  public Asset find(String path) {
    String name = path.equals("/") || path.isEmpty() ? "index.html" : path.substring(1);
    return assets.get(name);
  }
}
