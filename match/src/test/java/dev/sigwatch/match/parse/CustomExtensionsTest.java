package dev.sigwatch.match.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.match.topology.SimEntries;
import dev.sigwatch.match.watchlist.MonitoredValues;
import dev.sigwatch.match.watchlist.Watchlist;
import dev.sigwatch.match.watchlist.WatchRules;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.RuleType;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.junit.jupiter.api.Test;

class CustomExtensionsTest {
  static final String UTF8_OID = "1.3.6.1.4.1.99999.1";
  static final String IA5_OID = "2.25.1234";
  static final String PRINTABLE_OID = "1.2.840.113635.100.6.1.1";
  static final String RAW_OID = "1.3.6.1.4.1.99999.2";
  static final String SEQ_OID = "1.3.6.1.4.1.99999.3";

  static IdentityEvent eventFor(X509Certificate cert) throws Exception {
    String body = "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":"
        + "\"sha256\",\"value\":\"" + "ab".repeat(32) + "\"}},\"signature\":{\"content\":\"MEUCIQ==\",\"publicKey\":"
        + "{\"content\":\"" + TestKeys.b64(TestKeys.pem("CERTIFICATE", cert.getEncoded())) + "\"}}}}";
    List<IdentityEvent> events = IdentityEvents.fromRekor(SimEntries.rekorBody(
        body.getBytes(StandardCharsets.UTF_8), 9, TestKeys.NOT_BEFORE));
    assertThat(events).hasSize(1);
    return events.get(0);
  }

  @Test
  void extensionsOutsideTheFulcioArcAreExtractedAsTextOrHex() throws Exception {
    KeyPair kp = TestKeys.ec();
    Map<String, Object> ext = new LinkedHashMap<>();
    ext.put(UTF8_OID, new DERUTF8String("team-räder"));
    ext.put(IA5_OID, new DERIA5String("https://ci.example/run/7"));
    ext.put(PRINTABLE_OID, new DERPrintableString("Build 42"));
    byte[] raw = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef};
    ext.put(RAW_OID, raw);
    DERSequence seq = new DERSequence(new ASN1EncodableVector() {{
        add(new ASN1Integer(7));
      }});
    ext.put(SEQ_OID, seq);
    ext.put("1.3.6.1.4.1.57264.1.8", new DERUTF8String("https://token.actions.githubusercontent.com"));
    X509Certificate cert = TestKeys.cert(kp, "custom", "ci@example.com", ext, List.of("1.3.6.1.5.5.7.3.3"));

    IdentityEvent e = eventFor(cert);

    assertThat(e.getExtensions())
        .containsEntry(UTF8_OID, "team-räder")
        .containsEntry(IA5_OID, "https://ci.example/run/7")
        .containsEntry(PRINTABLE_OID, "Build 42")
        .containsEntry(RAW_OID, "deadbeef")
        // A DER value that is not a string: hex of its encoding, computed here by BouncyCastle.
        .containsEntry(SEQ_OID, java.util.HexFormat.of().formatHex(seq.getEncoded()))
        .containsEntry("1.3.6.1.4.1.57264.1.8", "https://token.actions.githubusercontent.com")
        // Standard X.509 extensions (SAN, EKU) are identity fields of their own, not "custom" extensions.
        .doesNotContainKeys("2.5.29.17", "2.5.29.37");
    assertThat(seq.getEncoded()).containsExactly(0x30, 0x03, 0x02, 0x01, 0x07);
  }

  @Test
  void customAndOidExtensionRulesOnAnyOidMatch() throws Exception {
    X509Certificate cert = TestKeys.cert(TestKeys.ec(), "custom", "ci@example.com",
        Map.of(UTF8_OID, new DERUTF8String("prod"), IA5_OID, new DERIA5String("x")), List.of());
    IdentityEvent e = eventFor(cert);
    MonitoredValues mv = new MonitoredValues(null, null, null,
        new MonitoredValues.OidMatchers(
            List.of(new MonitoredValues.OidExtension(List.of(2, 25, 1234), List.of("x"))), null,
            List.of(new MonitoredValues.CustomExtension(UTF8_OID, List.of("staging", "prod")))),
        null, null);
    Watchlist w = Watchlist.of(WatchRules.from(mv, 0));
    assertThat(w.match(e)).extracting(m -> m.why()).containsExactlyInAnyOrder(
        "extension " + UTF8_OID + " = 'prod'", "extension " + IA5_OID + " = 'x'");

    X509Certificate other = TestKeys.cert(TestKeys.ec(), "custom", "ci@example.com",
        Map.of(UTF8_OID, new DERUTF8String("production")), List.of());
    assertThat(w.match(eventFor(other))).isEmpty();
    assertThat(Watchlist.of(List.of(WatchRules.rule(RuleType.OID_EXTENSION, null, List.of(), null, RAW_OID,
        List.of("deadbeef"), 0))).match(eventFor(TestKeys.cert(TestKeys.ec(), "c", null,
            Map.of(RAW_OID, new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}), List.of()))))
        .singleElement().satisfies(m -> assertThat(m.identity()).isEqualTo("deadbeef"));
  }

  /** {@code depth} SEQUENCEs nested in one another around an INTEGER: ~4 bytes per level. */
  static byte[] nested(int depth) {
    byte[] inner = {0x02, 0x01, 0x07};
    for (int i = 0; i < depth; i++) {
      int n = inner.length;
      byte[] head = n < 0x80 ? new byte[] {0x30, (byte) n}
          : n < 0x100 ? new byte[] {0x30, (byte) 0x81, (byte) n} : new byte[] {0x30, (byte) 0x82, (byte) (n >> 8), (byte) n};
      byte[] out = java.util.Arrays.copyOf(head, head.length + n);
      System.arraycopy(inner, 0, out, head.length, n);
      inner = out;
    }
    return inner;
  }

  /**
   * Issue 12: a certificate whose extension value nests 2,500 levels deep (~10 KB) made BouncyCastle's recursive
   * decoder throw StackOverflowError, which escaped every catch. Outside the Fulcio arc the value is now kept as hex;
   * in the Fulcio arc (a DER string expected) the entry is malformed with the reason.
   */
  @Test
  void aDeeplyNestedExtensionIsHexOrAParseErrorNeverAStackOverflow() throws Exception {
    byte[] deep = nested(2500);
    assertThat(deep.length).isBetween(8_000, 12_000);
    X509Certificate custom = TestKeys.cert(TestKeys.ec(), "custom", "ci@example.com", Map.of(RAW_OID, deep), List.of());
    assertThat(eventFor(custom).getExtensions()).containsEntry(RAW_OID, java.util.HexFormat.of().formatHex(deep));

    X509Certificate fulcio = TestKeys.cert(TestKeys.ec(), "custom", "ci@example.com",
        Map.of("1.3.6.1.4.1.57264.1.8", deep), List.of());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> eventFor(fulcio))
        .isInstanceOf(EntryParseException.class)
        .hasMessageContaining("extension 1.3.6.1.4.1.57264.1.8 (issuer): want DER UTF8String, got tag 0x30")
        .hasMessageEndingWith("nested deeper than 32 levels)");
  }
}
