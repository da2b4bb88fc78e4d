package dev.sigwatch.core.trust;

import java.nio.file.Path;

/** Locates the shared fixtures. */
final class TrustFixtures {
  private TrustFixtures() {}

  static Path path(String relative) {
    String root = System.getProperty("sigwatch.fixtures");
    if (root == null) {
      throw new IllegalStateException("system property sigwatch.fixtures is not set");
    }
    return Path.of(root).resolve(relative);
  }
}
