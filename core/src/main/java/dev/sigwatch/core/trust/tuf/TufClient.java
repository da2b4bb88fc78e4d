package dev.sigwatch.core.trust.tuf;

import dev.sigstore.tuf.FileSystemTufStore;
import dev.sigstore.tuf.HttpFetcher;
import dev.sigstore.tuf.MetaFetcher;
import dev.sigstore.tuf.PassthroughCacheMetaStore;
import dev.sigstore.tuf.RootProvider;
import dev.sigstore.tuf.SigstoreTufClient;
import dev.sigstore.tuf.TrustedMetaStore;
import dev.sigstore.tuf.Updater;
import dev.sigwatch.core.trust.TrustDiff;
import dev.sigwatch.core.trust.TrustException;
import dev.sigwatch.core.trust.TrustState;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Sigstore TUF repository, read with sigstore-java's TUF client ({@link Updater}: the TUF client workflow, root
 * rotation, rollback and expiry checks, target hashes), whose targets become a {@link TrustState}: the trusted root
 * (required), {@code signing_config.v0.2.json}, {@code signing_config_rekor_v2.v0.2.json} and
 * {@code monitor_config.json} (each when the repository has it).
 *
 * <p>The TUF metadata is cached in {@code cacheDir} and each {@link #fetch()} continues from the cached, verified
 * root, so a mirror can never take the client back to older keys. Not thread-safe: one caller at a time per cache dir.
 */
public final class TufClient {
  private final String name;
  private final Updater updater;
  private final FileSystemTufStore store;
  private final TrustedMetaStore meta;

  private TufClient(String name, URI mirror, RootProvider root, Path cacheDir) throws TrustException {
    this.name = name;
    try {
      Files.createDirectories(cacheDir);
      store = FileSystemTufStore.newFileSystemStore(cacheDir);
      String base = mirror.toString().endsWith("/") ? mirror.toString() : mirror + "/";
      meta = TrustedMetaStore.newTrustedMetaStore(PassthroughCacheMetaStore.newPassthroughMetaCache(store));
      updater = Updater.builder()
          .setTrustedRootPath(root)
          .setTrustedMetaStore(meta)
          .setTargetStore(store)
          .setMetaFetcher(MetaFetcher.newFetcher(HttpFetcher.newFetcher(URI.create(base))))
          .setTargetFetcher(HttpFetcher.newFetcher(URI.create(base + "targets")))
          .build();
    } catch (IOException e) {
      throw new TrustException("setting up the TUF cache of " + name + " in " + cacheDir + ": " + e.getMessage(), e);
    }
  }

  /** Sigstore public-good (tuf-repo-cdn.sigstore.dev), from the root embedded in sigstore-java. */
  public static TufClient publicGood(Path cacheDir) throws TrustException {
    return new TufClient("public-good", URI.create("https://tuf-repo-cdn.sigstore.dev/"),
        RootProvider.fromResource(SigstoreTufClient.PUBLIC_GOOD_ROOT_RESOURCE), cacheDir);
  }

  /** Sigstore staging (tuf-repo-cdn.sigstage.dev), from the root embedded in sigstore-java. */
  public static TufClient staging(Path cacheDir) throws TrustException {
    return new TufClient("staging", URI.create("https://tuf-repo-cdn.sigstage.dev/"),
        RootProvider.fromResource(SigstoreTufClient.STAGING_ROOT_RESOURCE), cacheDir);
  }

  /**
   * A private instance's repository at {@code mirror}, trusting {@code rootJson} (a TUF {@code root.json}, normally
   * its {@code 1.root.json}) on first use; later updates chain from the cached root.
   */
  public static TufClient mirror(URI mirror, Path rootJson, Path cacheDir) throws TrustException {
    if (!Files.isRegularFile(rootJson)) {
      throw new TrustException("TUF root " + rootJson + " is not a file");
    }
    return new TufClient(mirror.toString(), mirror, RootProvider.fromFile(rootJson), cacheDir);
  }

  /** Which repository, for messages. */
  public String name() {
    return name;
  }

  /** Updates the TUF metadata and targets, and reads the trust state from them. Blocks on the network. */
  public TrustState fetch() throws TrustException {
    try {
      updater.update();
    } catch (IOException | GeneralSecurityException | dev.sigstore.json.JsonParseException | RuntimeException e) {
      throw new TrustException("updating TUF repository " + name + ": " + describe(e), e);
    }
    Map<String, String> documents = new LinkedHashMap<>();
    documents.put(TrustDiff.TRUSTED_ROOT, required(TrustDiff.TRUSTED_ROOT));
    for (String name : List.of(TrustDiff.SIGNING_CONFIG, TrustDiff.SIGNING_CONFIG_REKOR_V2, TrustDiff.MONITOR_CONFIG)) {
      optional(name).ifPresent(text -> documents.put(name, text));
    }
    return TrustState.parse(documents);
  }

  private static String describe(Exception e) {
    String m = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return e.getCause() != null && e.getCause() != e && e.getMessage() == null ? m + " (" + e.getCause() + ")" : m;
  }

  private String required(String target) throws TrustException {
    return optional(target).orElseThrow(() -> new TrustException("TUF repository " + name
        + " has no target " + target));
  }

  private Optional<String> optional(String target) throws TrustException {
    try {
      // Listed in the verified targets metadata now (a target removed from the repository stays in the cache).
      if (!meta.getTargets().getSignedMeta().getTargets().containsKey(target)) return Optional.empty();
      byte[] bytes = store.readTarget(target);
      return Optional.of(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException | dev.sigstore.json.JsonParseException e) {
      throw new TrustException("reading TUF target " + target + " of " + name + ": " + e.getMessage(), e);
    }
  }
}
