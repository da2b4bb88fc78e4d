package dev.sigwatch.core.trust;

import dev.sigstore.trustroot.SigstoreConfigurationException;
import dev.sigstore.tuf.FileSystemTufStore;
import dev.sigstore.tuf.SigstoreTufClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Fetches the public-good or staging trusted root and signing config through Sigstore's TUF
 * repository (sigstore-java's TUF client, which verifies the TUF metadata chain from the root
 * embedded in sigstore-java). Needs the network; tests use {@link TrustedRoot#load} instead.
 *
 * <p>Each call updates the TUF cache in {@code cacheDir}; not safe to call concurrently for the
 * same directory.
 */
public final class TufTrustedRoots {
  private static final String TRUSTED_ROOT = "trusted_root.json";
  private static final String SIGNING_CONFIG = "signing_config.v0.2.json";

  /** A TUF-distributed Sigstore instance, with its trusted root and signing config. */
  public record Instance(TrustedRoot trustedRoot, SigningConfig signingConfig) {}

  private TufTrustedRoots() {}

  /** The Sigstore public-good instance (tuf-repo-cdn.sigstore.dev). */
  public static Instance publicGood(Path cacheDir) throws TrustException {
    return fetch(SigstoreTufClient.builder().usePublicGoodInstance(), cacheDir, "public-good");
  }

  /** The Sigstore staging instance. */
  public static Instance staging(Path cacheDir) throws TrustException {
    return fetch(SigstoreTufClient.builder().useStagingInstance(), cacheDir, "staging");
  }

  private static Instance fetch(SigstoreTufClient.Builder builder, Path cacheDir, String name)
      throws TrustException {
    try {
      SigstoreTufClient client = builder.tufCacheLocation(cacheDir).build();
      client.update();
      FileSystemTufStore store = FileSystemTufStore.newFileSystemStore(cacheDir);
      TrustedRoot root =
          TrustedRoot.parse(new String(store.readTarget(TRUSTED_ROOT), StandardCharsets.UTF_8));
      SigningConfig config =
          SigningConfig.parse(new String(store.readTarget(SIGNING_CONFIG), StandardCharsets.UTF_8));
      return new Instance(root, config);
    } catch (IOException | SigstoreConfigurationException e) {
      throw new TrustException("fetching the " + name + " trusted root through TUF: " + e.getMessage(), e);
    }
  }
}
