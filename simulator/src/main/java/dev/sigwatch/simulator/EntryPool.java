package dev.sigwatch.simulator;

import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.IssuedCert;
import dev.sigwatch.simulator.ca.PrecertLogger;
import dev.sigwatch.simulator.ca.SimCa;
import dev.sigwatch.simulator.crypto.SimKey;
import dev.sigwatch.simulator.rekorv1.BodyTemplate;
import dev.sigwatch.simulator.rekorv1.V1Bodies;
import dev.sigwatch.simulator.rekorv2.RekorV2Log;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A pool of pre-issued certificates (a few by default, one per identity), a plain key and their signatures, rendered as body templates of every
 * kind; bulk entries pick a template by index and vary only the digest. Immutable after construction.
 */
final class EntryPool {
  private final List<Identity> identities = new ArrayList<>();
  private final List<BodyTemplate> v1 = new ArrayList<>();
  private final List<BodyTemplate> v2 = new ArrayList<>();
  private final BodyTemplate malformed;

  EntryPool(SimCa ca, SimCa lookalike, Instant at, List<PrecertLogger> ct, int certificates) {
    identities.add(Identity.email("pool@example.com", "https://accounts.google.com"));
    identities.add(Identity.githubWorkflow("example/pool", ".github/workflows/ci.yml", "refs/heads/main"));
    identities.add(Identity.email("build@example.org", "https://github.com/login/oauth"));
    byte[] digest = SimKey.sha256("pool".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < certificates; i++) {
      Identity id = identities.get(i % identities.size());
      IssuedCert c = ca.issue(id, at, ct);
      byte[] sig = V1Bodies.signDigest(c.subjectKey().getPrivate(), digest);
      for (V1Bodies.Kind k : List.of(V1Bodies.Kind.HASHEDREKORD_CERT, V1Bodies.Kind.DSSE, V1Bodies.Kind.INTOTO,
          V1Bodies.Kind.REKORD)) {
        v1.add(V1Bodies.template(k, c.certificate(), null, sig));
      }
      v2.add(RekorV2Log.template(c.certificate(), sig));
    }
    SimKey plain = SimKey.generate(SimKey.Alg.ECDSA_P256);
    v1.add(V1Bodies.template(V1Bodies.Kind.HASHEDREKORD_KEY, null, plain.keyPair().getPublic(),
        V1Bodies.signDigest(plain.keyPair().getPrivate(), digest)));
    malformed = V1Bodies.template(V1Bodies.Kind.MALFORMED, null, plain.keyPair().getPublic(), new byte[0]);
  }

  BodyTemplate v1(int i) {
    return v1.get(Math.floorMod(i, v1.size()));
  }

  BodyTemplate v2(int i) {
    return v2.get(Math.floorMod(i, v2.size()));
  }

  BodyTemplate malformed() {
    return malformed;
  }

  Identity identity(int i) {
    return identities.get(Math.floorMod(i, identities.size()));
  }
}
