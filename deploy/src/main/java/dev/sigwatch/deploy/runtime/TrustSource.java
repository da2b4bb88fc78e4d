package dev.sigwatch.deploy.runtime;

import dev.sigwatch.core.trust.SigningConfig;
import dev.sigwatch.core.trust.TrustDiff;
import dev.sigwatch.core.trust.TrustJson;
import dev.sigwatch.core.trust.TrustException;
import dev.sigwatch.core.trust.TrustState;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.core.trust.tuf.TufClient;
import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.config.TrustConfigSection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the keys, CAs and logs come from at startup: the configured {@code trustedRoot} / {@code signingConfig} files
 * (private instances without TUF, tests, air-gapped hosts), or else a TUF repository ({@code trust.tuf}: Sigstore
 * public-good by default, staging, or a private mirror with its root), cached in {@code <dataDir>/tuf/<name>}. TUF
 * verifies the chain of signed metadata, so a mirror cannot hand us other keys. {@code trust.monitorConfig} and
 * {@code signingConfig} files override what the repository says.
 *
 * @param state the trust state now
 * @param tuf the repository to refresh from ({@link LiveTrust}); empty for files
 * @param fallback whether {@code state} is the bundled public-good snapshot (TUF unreachable at startup), not what the
 *     monitor trusts: it is not compared with, nor stored as, the last trusted state
 */
public record TrustSource(TrustState state, Optional<TufClient> tuf, boolean fallback) {
  private static final Logger log = LoggerFactory.getLogger(TrustSource.class);

  public TrustedRoot trustedRoot() {
    return state.trustedRoot();
  }

  public Optional<SigningConfig> signingConfig() {
    return state.signingConfig();
  }

  public static TrustSource load(SigwatchConfig config) throws ConfigException {
    try {
      if (config.trustedRoot() != null) {
        TrustState files = TrustState.parse(Map.of(TrustDiff.TRUSTED_ROOT,
            TrustJson.read(config.trustedRoot(), "trusted root")));
        log.info("trusted root from {}", config.trustedRoot());
        return new TrustSource(overrides(config, files), Optional.empty(), false);
      }
      TufClient tuf = client(config);
      log.info("no trustedRoot configured: fetching the trust state from TUF repository {}", tuf.name());
      try {
        return new TrustSource(overrides(config, tuf.fetch()), Optional.of(tuf), false);
      } catch (TrustException e) {
        if (config.trust().tuf().mirror() != null) {
          throw new TrustException(e.getMessage() + " (a private repository has no bundled fallback)", e);
        }
        return new TrustSource(overrides(config, bundled(e)), Optional.of(tuf), true);
      }
    } catch (TrustException e) {
      throw new ConfigException("loading the trust state (trustedRoot / signingConfig / trust.*): " + e.getMessage(), e);
    }
  }

  /** The TUF repository {@code trust.tuf} names. */
  static TufClient client(SigwatchConfig config) throws TrustException {
    TrustConfigSection.Tuf t = config.trust().tuf();
    Path cache = config.dataDir().resolve("tuf");
    if (t.mirror() != null) {
      return TufClient.mirror(t.mirror(), t.root(), cache.resolve(t.mirror().getHost() + "-" + t.mirror().getPort()));
    }
    return "staging".equals(t.instance()) ? TufClient.staging(cache.resolve("staging"))
        : TufClient.publicGood(cache.resolve("public-good"));
  }

  /** {@code state} with the configured signing config and monitor config files in place of the repository's. */
  static TrustState overrides(SigwatchConfig config, TrustState state) throws TrustException {
    TrustState s = state;
    if (config.signingConfig() != null) {
      s = s.with(TrustDiff.SIGNING_CONFIG, TrustJson.read(config.signingConfig(), "signing config"));
    }
    if (config.trust().monitorConfig() != null) {
      s = s.with(TrustDiff.MONITOR_CONFIG, TrustJson.read(config.trust().monitorConfig(), "monitor config"));
    }
    return s;
  }

  /**
   * The public-good root shipped in this jar, used only when TUF cannot be reached at startup (no network, TUF
   * mirror down), so the monitor still starts and reports the logs it cannot reach. It is a snapshot: keys rotated
   * after this build are unknown to it until a refresh through TUF succeeds ({@link LiveTrust} keeps trying).
   */
  static TrustState bundled(TrustException tufFailure) throws TrustException {
    log.warn("TUF unreachable ({}); using the public-good trusted root bundled with this build until a refresh "
        + "succeeds. Set trustedRoot to a current trusted_root.json to silence this.", tufFailure.getMessage());
    return TrustState.parse(Map.of(TrustDiff.TRUSTED_ROOT, resource("trusted_root.json"),
        TrustDiff.SIGNING_CONFIG, resource("signing_config.json")));
  }

  private static String resource(String name) throws TrustException {
    String path = "/dev/sigwatch/deploy/trust/public-good/" + name;
    try (var in = TrustSource.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new TrustException("bundled " + path + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new TrustException("reading bundled " + path + ": " + e.getMessage(), e);
    }
  }
}
