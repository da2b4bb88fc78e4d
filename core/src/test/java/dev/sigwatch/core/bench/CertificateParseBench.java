package dev.sigwatch.core.bench;

import dev.sigwatch.core.ct.Sct;
import dev.sigwatch.core.ct.SctList;
import dev.sigwatch.core.ct.SctVerifier;
import dev.sigwatch.core.x509.Certificates;
import dev.sigwatch.core.x509.ChainStatus;
import dev.sigwatch.core.x509.ChainVerifier;
import dev.sigwatch.core.x509.FulcioCertificate;
import dev.sigwatch.core.x509.TrustFixtures;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Certificate parse + identity extraction, chain verification and SCT verification on real Fulcio
 * certificates. Run (after {@code mvn -pl core test-compile}) with
 * {@code java -Dsigwatch.fixtures=../shared/fixtures -cp <test classpath> dev.sigwatch.core.bench.CertificateParseBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class CertificateParseBench {
  private byte[] githubActionsDer;
  private ChainVerifier bcVerifier;
  private X509Certificate githubActions;
  private Sct sct;
  private PublicKey issuerKey;
  private PublicKey logKey;

  /** More distinct certificates than the JDK's CertificateFactory caches (750), so every parse is real. */
  private static final int DISTINCT = 1024;
  private final List<byte[]> leaves = new java.util.ArrayList<>();
  private final List<X509Certificate> parsedLeaves = new java.util.ArrayList<>();
  private ChainVerifier bcP384;
  private ChainVerifier jdkP384;
  private int next;

  @Setup
  public void setup() throws Exception {
    setupRealCertificates();
    // A P-384 CA like Fulcio's intermediate, issuing distinct leaves with the real certificate's extensions.
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    java.security.KeyPair caKeys = g.generateKeyPair();
    java.security.KeyPair leafKeys = g.generateKeyPair();
    java.time.Instant now = java.time.Instant.now();
    var caName = org.bouncycastle.asn1.x500.X500Name.getInstance(
        githubActions.getIssuerX500Principal().getEncoded());
    var signer = new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA384withECDSA")
        .build(caKeys.getPrivate());
    var conv = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter();
    X509Certificate ca = conv.getCertificate(new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
        caName, java.math.BigInteger.ONE, java.util.Date.from(now.minusSeconds(3600)),
        java.util.Date.from(now.plusSeconds(86400)), caName, caKeys.getPublic())
        .addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true,
            new org.bouncycastle.asn1.x509.BasicConstraints(true)).build(signer));
    var real = new org.bouncycastle.cert.X509CertificateHolder(githubActionsDer);
    for (int i = 0; i < DISTINCT; i++) {
      var b = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(caName,
          java.math.BigInteger.valueOf(1000 + i), java.util.Date.from(now), java.util.Date.from(now.plusSeconds(600)),
          new org.bouncycastle.asn1.x500.X500Name(""), leafKeys.getPublic());
      for (Object oid : real.getExtensionOIDs()) {
        b.addExtension(real.getExtension((org.bouncycastle.asn1.ASN1ObjectIdentifier) oid));
      }
      leaves.add(b.build(signer).getEncoded());
      parsedLeaves.add(Certificates.parse(leaves.get(i)));
    }
    var own = List.of(new dev.sigwatch.core.x509.TrustedCa("https://bench", List.of(ca), now.minusSeconds(7200), null));
    bcP384 = new ChainVerifier(own);
    jdkP384 = new ChainVerifier(own, null);
  }

  private byte[] nextLeaf() {
    next = (next + 1) % DISTINCT;
    return leaves.get(next);
  }

  /** Parse + identity extraction of a distinct GitHub Actions-shaped certificate (21 Fulcio extensions). */
  @Benchmark
  public FulcioCertificate parseDistinctGithubActions() throws Exception {
    return FulcioCertificate.parse(nextLeaf());
  }

  /** The JDK's X.509 parse alone (CertificateFactory) of a distinct certificate. */
  @Benchmark
  public X509Certificate parseJdkOnly() throws Exception {
    return Certificates.parse(nextLeaf());
  }

  /** BouncyCastle's ASN.1 decode of a distinct certificate, after the nesting check. */
  @Benchmark
  public org.bouncycastle.asn1.x509.Certificate parseBcOnly() throws Exception {
    return org.bouncycastle.asn1.x509.Certificate.getInstance(dev.sigwatch.core.x509.Der.decode(nextLeaf()));
  }

  /** Identity extraction from an already parsed certificate. */
  @Benchmark
  public FulcioCertificate fulcioFromParsed() throws Exception {
    return FulcioCertificate.from(parsedLeaves.get(nextIndex()));
  }

  /** The precertificate TBS of an already parsed final certificate (SCT list removed). */
  @Benchmark
  public byte[] precertTbsFromParsed() throws Exception {
    return dev.sigwatch.core.ct.PrecertTbs.fromFinalCertificate(parsedLeaves.get(nextIndex()));
  }

  private int nextIndex() {
    next = (next + 1) % DISTINCT;
    return next;
  }

  /** Parse + P-384 chain verification (SHA384withECDSA, like Fulcio's intermediate) with BouncyCastle. */
  @Benchmark
  public ChainStatus parseAndVerifyP384Bc() throws Exception {
    return bcP384.verify(Certificates.parse(nextLeaf()), List.of());
  }

  /** The same with the JDK's providers. */
  @Benchmark
  public ChainStatus parseAndVerifyP384Jdk() throws Exception {
    return jdkP384.verify(Certificates.parse(nextLeaf()), List.of());
  }

  private void setupRealCertificates() throws Exception {
    githubActionsDer = TrustFixtures.read("certs/prod-github-actions-conformance-beacon-2024-12.der");
    bcVerifier = new ChainVerifier(TrustFixtures.cas("prod"));
    githubActions = Certificates.parse(githubActionsDer);
    sct = SctList.fromCertificate(githubActions).get(0);
    issuerKey = ((ChainStatus.Fulcio) bcVerifier.verify(githubActions, List.of())).path().get(1).getPublicKey();
    logKey = TrustFixtures.ctLogs().get(java.util.Base64.getEncoder().encodeToString(sct.logId())).key();
  }





  /** Precert TBS reconstruction plus the P-256 SCT signature check. */
  @Benchmark
  public boolean verifyEmbeddedSct() throws Exception {
    return SctVerifier.verifyEmbedded(sct, githubActions, issuerKey, logKey);
  }

  /**
   * The same operations timed in CPU µs per operation on this thread ({@link CpuTimer}), for a loaded machine:
   * {@code java -cp <test classpath> dev.sigwatch.core.bench.CertificateParseBench cpu}.
   */
  static void cpu() throws Exception {
    CertificateParseBench b = new CertificateParseBench();
    b.setup();
    CpuTimer.report("parse + identities (distinct)", i -> b.parseDistinctGithubActions());
    CpuTimer.report("JDK parse only", i -> b.parseJdkOnly());
    CpuTimer.report("BouncyCastle decode only", i -> b.parseBcOnly());
    CpuTimer.report("identities from parsed", i -> b.fulcioFromParsed());
    CpuTimer.report("precert TBS from parsed", i -> b.precertTbsFromParsed());
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("cpu")) {
      cpu();
      return;
    }
    new Runner(new OptionsBuilder().include(CertificateParseBench.class.getSimpleName())
        .jvmArgsAppend("-Dsigwatch.fixtures=" + System.getProperty("sigwatch.fixtures")).build()).run();
  }
}
