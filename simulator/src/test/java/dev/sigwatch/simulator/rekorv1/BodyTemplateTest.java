package dev.sigwatch.simulator.rekorv1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.simulator.crypto.SimKey;
import dev.sigwatch.simulator.http.Request;
import dev.sigwatch.simulator.http.Response;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shortcuts of the benchmark's simulator give the bytes the plain way gives: a body's base64 from its template's
 * cached ends, a SET's JSON written in one array, an entry's UUID from the tree's leaf.
 */
class BodyTemplateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String text(Random r, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) b.append((char) (r.nextInt(2) == 0 ? 'a' + r.nextInt(26) : 0x20 + r.nextInt(0x5f)));
    if (n > 3 && r.nextBoolean()) b.setCharAt(n / 2, 'é'); // two UTF-8 bytes: lengths not a multiple of the chars
    return b.toString();
  }

  @Test
  void bodyAndItsBase64AreThePlainOnesForEveryAlignmentOfPrefixAndSuffix() {
    Random r = new Random(15);
    for (int p = 0; p < 8; p++) {
      for (int s : new int[] {0, 1, 2, 3, 4, 5, 7, 100, 2_049}) {
        for (boolean base64Slot : new boolean[] {false, true}) {
          String prefix = text(r, p);
          String suffix = text(r, s);
          BodyTemplate t = base64Slot ? BodyTemplate.base64("k", prefix, suffix) : BodyTemplate.of("k", prefix, suffix);
          for (int i = 0; i < 5; i++) {
            byte[] d = new byte[32];
            r.nextBytes(d);
            String slot = base64Slot ? Base64.getEncoder().encodeToString(d) : HexFormat.of().formatHex(d);
            byte[] plain = (prefix + slot + suffix).getBytes(StandardCharsets.UTF_8);
            assertThat(t.render(d)).isEqualTo(plain);
            byte[] b64 = new byte[t.base64Length() + 3];
            int end = t.base64Into(d, b64, 3);
            assertThat(end).isEqualTo(b64.length);
            assertThat(new String(b64, 3, b64.length - 3, StandardCharsets.US_ASCII))
                .isEqualTo(Base64.getEncoder().encodeToString(plain));
          }
          byte[] odd = new byte[20]; // not a SHA-256 digest: the slot is as wide as its encoding
          r.nextBytes(odd);
          String slot = base64Slot ? Base64.getEncoder().encodeToString(odd) : HexFormat.of().formatHex(odd);
          assertThat(t.render(odd)).isEqualTo((prefix + slot + suffix).getBytes(StandardCharsets.UTF_8));
        }
      }
    }
  }

  @Test
  void setJsonIsTheCanonicalJsonOfTheRenderedBodyAndTheSetVerifiesOverIt() throws Exception {
    for (boolean packed : new boolean[] {false, true}) {
      SimKey key = SimKey.generate(SimKey.Alg.ECDSA_P256);
      RekorV1Log log = new RekorV1Log("rekor.test", key, Clock.systemUTC(), packed);
      SimKey signer = SimKey.generate(SimKey.Alg.ECDSA_P256);
      byte[] d0 = SimKey.sha256("artifact".getBytes(StandardCharsets.UTF_8));
      BodyTemplate t = V1Bodies.template(V1Bodies.Kind.HASHEDREKORD_KEY, null, signer.keyPair().getPublic(),
          V1Bodies.signDigest(signer.keyPair().getPrivate(), d0));
      for (long i : new long[] {0, 7, 1_234_567_890_123L}) {
        byte[] d = SimKey.sha256(("a" + i).getBytes(StandardCharsets.UTF_8));
        String plain = "{\"body\":\"" + Base64.getEncoder().encodeToString(t.render(d)) + "\",\"integratedTime\":"
            + (1_700_000_000L + i) + ",\"logID\":\"" + HexFormat.of().formatHex(key.logId()) + "\",\"logIndex\":" + i + "}";
        assertThat(new String(log.setJson(t, d, 1_700_000_000L + i, i), StandardCharsets.UTF_8)).isEqualTo(plain);
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(key.keyPair().getPublic());
        v.update(plain.getBytes(StandardCharsets.UTF_8));
        assertThat(v.verify(log.set(t, d, 1_700_000_000L + i, i))).isTrue();
      }
    }
  }

  /** The Rekor v1 entry JSON as the simulator rendered it before it wrote bytes directly (a string builder). */
  private static String plainRender(RekorV1Log log, V1Shard s, long leaf) {
    V1Shard.Head h = s.head();
    long global = s.offset() + leaf;
    StringBuilder b = new StringBuilder(4096);
    V1Shard.Entry e = s.entry(leaf);
    byte[] body = e.body();
    byte[] leafHash = Rfc6962.leafHash(body);
    if (log.tampered.contains(global)) body = e.template().render(Rfc6962.leafHash(e.digest()));
    HexFormat hex = HexFormat.of();
    b.append("{\"").append(s.treeIdHex()).append(hex.formatHex(leafHash)).append("\":{\"body\":\"")
        .append(Base64.getEncoder().encodeToString(body)).append("\",\"integratedTime\":").append(e.integratedTime())
        .append(",\"logID\":\"").append(log.logIdHex()).append("\",\"logIndex\":").append(global)
        .append(",\"verification\":{\"inclusionProof\":{\"checkpoint\":").append(h.noteJson())
        .append(",\"hashes\":[");
    var proof = s.tree().inclusionProof(leaf, h.size());
    for (int i = 0; i < proof.size(); i++) b.append(i > 0 ? ",\"" : "\"").append(hex.formatHex(proof.get(i))).append('"');
    b.append("],\"logIndex\":").append(leaf).append(",\"rootHash\":\"").append(hex.formatHex(h.root()))
        .append("\",\"treeSize\":").append(h.size()).append("},\"signedEntryTimestamp\":\"")
        .append(Base64.getEncoder().encodeToString(e.set())).append("\"}}}");
    return b.toString();
  }

  @Test
  void servedEntriesAreTheBytesTheStringBuilderRenderingGaveTamperedOnesIncluded() throws Exception {
    for (boolean packed : new boolean[] {false, true}) {
      RekorV1Log log = new RekorV1Log("rekor.test", SimKey.generate(SimKey.Alg.ECDSA_P256), Clock.systemUTC(), packed);
      SimKey signer = SimKey.generate(SimKey.Alg.ECDSA_P256);
      BodyTemplate t = V1Bodies.template(V1Bodies.Kind.HASHEDREKORD_KEY, null, signer.keyPair().getPublic(),
          V1Bodies.signDigest(signer.keyPair().getPrivate(), new byte[32]));
      BodyTemplate malformed = V1Bodies.template(V1Bodies.Kind.MALFORMED, null, null, new byte[8]);
      log.appendBatch(30, i -> i % 7 == 0 ? malformed : t, i -> SimKey.sha256(new byte[] {(byte) i}));
      log.append(t, SimKey.sha256(new byte[] {99}));
      log.tamper(17);
      log.publish();
      RekorV1Routes routes = new RekorV1Routes(log);
      Response resp = routes.handle(new Request("POST", "/log/entries/retrieve", Map.of(),
          "{\"logIndexes\":[0,17,30,31,7]}".getBytes(StandardCharsets.UTF_8)));
      V1Shard s = log.active();
      String want = "[" + plainRender(log, s, 0) + "," + plainRender(log, s, 17) + "," + plainRender(log, s, 30) + ","
          + plainRender(log, s, 7) + "]"; // 31 is not published: left out
      assertThat(new String(resp.body(), StandardCharsets.UTF_8)).isEqualTo(want);
      Response single = routes.handle(new Request("GET", "/log/entries", Map.of("logIndex", "30"), new byte[0]));
      assertThat(new String(single.body(), StandardCharsets.UTF_8)).isEqualTo(plainRender(log, s, 30));
      JsonNode served = JSON.readTree(resp.body());
      for (int k = 0; k < 4; k++) { // and what that is: the UUID is the logged body's leaf hash
        String uuid = served.get(k).fieldNames().next();
        long leaf = served.get(k).get(uuid).get("logIndex").asLong();
        assertThat(uuid).isEqualTo(s.treeIdHex() + HexFormat.of().formatHex(Rfc6962.leafHash(s.entry(leaf).body())));
      }
    }
  }
}
