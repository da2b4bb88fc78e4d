package dev.sigwatch.simulator.rekorv1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.simulator.crypto.SimKey;
import dev.sigwatch.simulator.http.Request;
import dev.sigwatch.simulator.http.Response;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pre-rendered entries are served byte-for-byte as rendered on demand, and never once stale. */
class RekorV1RoutesPrerenderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] digest(long i) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(ByteBuffer.allocate(8).putLong(i).array());
  }

  private static RekorV1Log logWith(int n) throws Exception {
    RekorV1Log log = new RekorV1Log("rekor.test", SimKey.generate(SimKey.Alg.ECDSA_P256), Clock.systemUTC());
    SimKey signer = SimKey.generate(SimKey.Alg.ECDSA_P256);
    BodyTemplate t = V1Bodies.template(V1Bodies.Kind.HASHEDREKORD_KEY, null, signer.keyPair().getPublic(),
        V1Bodies.signDigest(signer.keyPair().getPrivate(), digest(0)));
    for (int i = 0; i < n; i++) log.append(t, digest(i));
    log.publish();
    return log;
  }

  private static byte[] retrieve(RekorV1Routes routes, long... indexes) throws Exception {
    StringBuilder b = new StringBuilder("{\"logIndexes\":[");
    for (int i = 0; i < indexes.length; i++) b.append(i > 0 ? "," : "").append(indexes[i]);
    Response r = routes.handle(new Request("POST", "/log/entries/retrieve", Map.of(),
        b.append("]}").toString().getBytes(StandardCharsets.UTF_8)));
    assertThat(r.status()).isEqualTo(200);
    return r.body();
  }

  @Test
  void prerenderedEntriesAreTheOnDemandBytesUntilTheHeadOrTheEntryChanges() throws Exception {
    RekorV1Log log = logWith(40);
    RekorV1Routes routes = new RekorV1Routes(log);
    RekorV1Routes onDemand = new RekorV1Routes(log);
    byte[] before = retrieve(routes, 3, 17, 39, 40, 0); // 40 is not published: left out
    routes.prerender();
    byte[] after = retrieve(routes, 3, 17, 39, 40, 0);
    assertThat(new String(after, StandardCharsets.UTF_8)).isEqualTo(new String(before, StandardCharsets.UTF_8));
    JsonNode served = JSON.readTree(after);
    assertThat(served).hasSize(4);
    assertThat(served.get(3).elements().next().get("logIndex").asLong()).isZero();

    // The log grows and publishes a new head: entries carry proofs to the new head, as on demand.
    log.append(log.active().entry(0).template(), digest(1000));
    log.publish();
    byte[] grown = retrieve(routes, 3, 17, 40);
    assertThat(grown).isEqualTo(retrieve(onDemand, 3, 17, 40));
    JsonNode proof = JSON.readTree(grown).get(0).elements().next().get("verification").get("inclusionProof");
    assertThat(proof.get("treeSize").asLong()).isEqualTo(41);

    // A tampered entry is served tampered, even though its old rendering is at hand.
    routes.prerender();
    log.tampered.add(17L);
    JsonNode tampered = JSON.readTree(retrieve(routes, 17)).get(0);
    String uuid = tampered.fieldNames().next();
    byte[] body = Base64.getDecoder().decode(tampered.get(uuid).get("body").asText());
    assertThat(uuid).doesNotEndWith(HexFormat.of().formatHex(Rfc6962.leafHash(body)));
    assertThat(retrieve(routes, 17)).isEqualTo(retrieve(onDemand, 17));
  }
}
