package dev.sigwatch.deploy.runtime;

import dev.sigwatch.core.trust.SigningConfig;
import dev.sigwatch.core.trust.TrustException;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.core.trust.TufTrustedRoots;
import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.SigwatchConfig;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the keys and CAs come from: the configured {@code trustedRoot} / {@code signingConfig} files (private
 * instances, tests, air-gapped hosts), or else the Sigstore public-good root through TUF, cached in
 * {@code <dataDir>/tuf}. TUF verifies the root's chain of signed metadata, so a mirror cannot hand us other keys.
 */
public record TrustSource(TrustedRoot trustedRoot, Optional<SigningConfig> signingConfig) {
  private static final Logger log = LoggerFactory.getLogger(TrustSource.class);

  public static TrustSource load(SigwatchConfig config) throws ConfigException {
    try {
      if (config.trustedRoot() != null) {
        TrustedRoot root = TrustedRoot.load(config.trustedRoot());
        Optional<SigningConfig> signing = config.signingConfig() == null ? Optional.empty()
            : Optional.of(SigningConfig.load(config.signingConfig()));
        log.info("trusted root from {}", config.trustedRoot());
        return new TrustSource(root, signing);
      }
      log.info("no trustedRoot configured: fetching the Sigstore public-good root through TUF");
      TufTrustedRoots.Instance tuf;
      try {
        tuf = TufTrustedRoots.publicGood(config.dataDir().resolve("tuf"));
      } catch (TrustException e) {
        return bundled(e);
      }
      SigningConfig signing = config.signingConfig() == null ? tuf.signingConfig()
          : SigningConfig.load(config.signingConfig());
      return new TrustSource(tuf.trustedRoot(), Optional.ofNullable(signing));
    } catch (TrustException e) {
      throw new ConfigException("loading trustedRoot / signingConfig: " + e.getMessage(), e);
    }
  }

  /**
   * The public-good root shipped in this jar, used only when TUF cannot be reached at startup (no network, TUF
   * mirror down), so the monitor still starts and reports the logs it cannot reach. It is a snapshot: keys rotated
   * after this build are unknown to it and show up as UNKNOWN_KEY alerts, which is the safe direction to fail.
   */
  static TrustSource bundled(TrustException tufFailure) throws TrustException {
    log.warn("TUF unreachable ({}); using the public-good trusted root bundled with this build. Set trustedRoot "
        + "to a current trusted_root.json to silence this.", tufFailure.getMessage());
    return new TrustSource(TrustedRoot.parse(resource("trusted_root.json")),
        Optional.of(SigningConfig.parse(resource("signing_config.json"))));
  }

  private static String resource(String name) throws TrustException {
    String path = "/dev/sigwatch/deploy/trust/public-good/" + name;
    try (var in = TrustSource.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new TrustException("bundled " + path + " is missing from the jar");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new TrustException("reading bundled " + path + ": " + e.getMessage(), e);
    }
  }
}
