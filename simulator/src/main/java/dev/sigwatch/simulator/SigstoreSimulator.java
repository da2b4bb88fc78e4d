package dev.sigwatch.simulator;

import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.IssuedCert;
import dev.sigwatch.simulator.ca.SimCa;
import dev.sigwatch.simulator.crypto.SimKey;
import dev.sigwatch.simulator.ct.CtLog;
import dev.sigwatch.simulator.ct.CtRoutes;
import dev.sigwatch.simulator.faults.Fault;
import dev.sigwatch.simulator.faults.FaultInjector;
import dev.sigwatch.simulator.http.SimHttpServer;
import dev.sigwatch.simulator.rekorv1.RekorV1Log;
import dev.sigwatch.simulator.rekorv1.RekorV1Routes;
import dev.sigwatch.simulator.rekorv1.V1Bodies;
import dev.sigwatch.simulator.rekorv2.RekorV2Log;
import dev.sigwatch.simulator.rekorv2.RekorV2Routes;
import dev.sigwatch.simulator.trust.TrustedRootWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private Sigstore instance on loopback: Fulcio-like CA (+ a lookalike CA), Rekor v1 (sharded), Rekor v2 (tiles,
 * witnessed), an RFC 6962 CT log and a static-ct log, a trusted root and a signing config, with faults and incidents
 * on demand. Public methods are thread-safe; appends are serialized per log.
 *
 * <pre>
 * try (SigstoreSimulator sim = SigstoreSimulator.builder().build().start()) {
 *   sim.addIdentity(Identity.email("ops@acme.com", "https://accounts.google.com"));
 *   sim.grow(100);
 *   String rekor = sim.rekorV1Url();   // GET rekor + "/api/v1/log"
 * }
 * </pre>
 */
public final class SigstoreSimulator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SigstoreSimulator.class);

  private final SimulatorConfig config;
  private final Clock clock;
  /** Times entries: {@link SimulatorConfig#backdate()} before {@link #clock}. */
  private final Clock entryClock;
  private final FaultInjector faults = new FaultInjector();
  private final SimHttpServer http;
  private final SimCa ca;
  private final SimCa lookalike;
  private final RekorV1Log rekorV1;
  private final RekorV1Routes rekorV1Routes;
  private final IncidentDispatcher incidents;
  private final RekorV2Log rekorV2;
  private final CtLog ct;
  private final CtLog staticCt;
  private final EntryPool pool;
  /** Rekor v2 shards added after start (a yearly rollover), each grown like the first. */
  private final List<RekorV2Log> extraV2 = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicLong artifacts = new AtomicLong();
  private final Instant start;
  private volatile boolean stale;
  private ScheduledExecutorService grower;
  private double owed; // grower thread only
  private static final long TICK_MS = 200;

  SigstoreSimulator(SimulatorConfig config) throws IOException {
    this.config = config;
    this.clock = config.clock();
    this.entryClock = Clock.offset(clock, config.backdate().negated());
    this.start = entryClock.instant().minusSeconds(3600);
    this.http = new SimHttpServer(config.port(), config.threads(), faults);
    String base = http.baseUrl();
    this.ca = new SimCa(start);
    this.lookalike = new SimCa(start);
    this.rekorV1 = new RekorV1Log(rekorV1Hostname(config, base), SimKey.generate(SimKey.Alg.ECDSA_P256), entryClock,
        config.packedEntries());
    this.rekorV2 = new RekorV2Log(rekorV2Origin(config, base + "/rekor2"), "witness.sigwatch.test",
        config.witnessed() ? RekorV2Log.Witness.VALID : RekorV2Log.Witness.NONE, clock, config.packedEntries());
    this.ct = new CtLog(strip(base) + "/ct", false, clock, entryClock);
    this.staticCt = new CtLog(strip(base) + "/static-ct", true, clock, entryClock);
    this.rekorV1Routes = new RekorV1Routes(rekorV1);
    http.route("/rekor/api/v1", rekorV1Routes);
    http.route("/rekor2/api/v2", new RekorV2Routes(rekorV2));
    http.route("/ct", new CtRoutes(ct, config.ctMaxEntries(), List.of(ca.root())));
    http.route("/static-ct", new CtRoutes(staticCt, config.ctMaxEntries(), List.of(ca.root())));
    this.pool = new EntryPool(ca, lookalike, entryClock.instant(), List.of(ct, staticCt), config.poolCertificates());
    this.incidents = new IncidentDispatcher(rekorV1, rekorV2, ct, staticCt, pool,
        () -> digest(artifacts.incrementAndGet()));
  }

  public static SimulatorConfig.Builder builder() {
    return new SimulatorConfig.Builder();
  }

  /** Starts serving; logs the initial entries and starts timed growth if configured. Returns this. */
  public SigstoreSimulator start() {
    http.start();
    if (config.inactiveShardEntries() > 0) {
      pregenerate(config.inactiveShardEntries());
      rekorV1.rotate();
    }
    for (Identity id : config.identities()) addIdentity(id);
    if (config.initialEntries() > 0) grow(config.initialEntries());
    if (config.entriesPerSecond() > 0) {
      grower = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sigstore-sim-grow");
        t.setDaemon(true);
        return t;
      });
      grower.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }
    LOG.info("sigstore-sim: serving at {}", http.baseUrl());
    return this;
  }

  /** Timed growth: every tick adds rate × tick entries (carrying fractions over) as one signed checkpoint. */
  private void tick() {
    try {
      owed += config.entriesPerSecond() * TICK_MS / 1000.0;
      int n = (int) owed;
      if (n > 0) {
        owed -= n;
        grow(n);
      }
    } catch (RuntimeException e) {
      LOG.warn("sigstore-sim: timed growth failed", e);
    }
  }

  /** Issues a certificate for {@code id} (logged to both CT logs) and logs a signed hashedrekord to Rekor v1 and v2. */
  public IssuedCert addIdentity(Identity id) {
    IssuedCert c = ca.issue(id, entryClock.instant(), List.of(ct, staticCt));
    logSigned(c);
    return c;
  }

  /** Like {@link #addIdentity} but issued by the lookalike CA (same names, key not in the trusted root). */
  public IssuedCert addLookalikeIdentity(Identity id) {
    IssuedCert c = lookalike.issue(id, entryClock.instant(), List.of());
    logSigned(c);
    return c;
  }

  /** Issues a certificate for {@code id} (logged to both CT logs) without signing anything with it yet. */
  public IssuedCert issue(Identity id) {
    return ca.issue(id, entryClock.instant(), List.of(ct, staticCt));
  }

  /** Signs an artifact with {@code c} and logs it to Rekor v1 and v2 (a release signed with an issued certificate). */
  public void sign(IssuedCert c) {
    logSigned(c);
  }

  private void logSigned(IssuedCert c) {
    byte[] digest = SimKey.sha256(("artifact-" + artifacts.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
    byte[] sig = V1Bodies.signDigest(c.subjectKey().getPrivate(), digest);
    rekorV1.append(V1Bodies.template(V1Bodies.Kind.HASHEDREKORD_CERT, c.certificate(), null, sig), digest);
    rekorV2.append(RekorV2Log.template(c.certificate(), sig), digest);
    publishAll();
  }

  /** Appends {@code n} entries of mixed kinds to Rekor v1 and v2 and one certificate to the CT logs; publishes. */
  public synchronized void grow(int n) {
    if (stale) return;
    for (int i = 0; i < n; i++) {
      long a = artifacts.incrementAndGet();
      byte[] d = digest(a);
      rekorV1.append(pool.v1((int) a), d);
      rekorV2.append(pool.v2((int) a), d);
      for (RekorV2Log x : extraV2) x.append(pool.v2((int) a), d);
    }
    ca.issue(pool.identity((int) artifacts.get()), entryClock.instant(), List.of(ct, staticCt));
    publishAll();
  }

  /** Builds {@code n} Rekor v1 and v2 entries fast from the pool (signatures reused, digests varied); publishes. */
  public synchronized void pregenerate(int n) {
    for (int done = 0; done < n; done += PREGENERATE_BATCH) {
      int m = Math.min(PREGENERATE_BATCH, n - done);
      long base = artifacts.getAndAdd(m);
      rekorV1.appendBatch(m, i -> pool.v1((int) (base + i)), i -> digest(base + 1 + i));
      rekorV2.appendBatch(m, i -> pool.v2((int) (base + i)), i -> digest(base + 1 + i));
      if (n > PREGENERATE_BATCH) LOG.info("sigstore-sim: pre-generated {} of {} entries", done + m, n);
    }
    publishAll();
  }

  /** Entries built per batch by {@link #pregenerate}: bounds the bodies and SETs held while a batch is built. */
  private static final int PREGENERATE_BATCH = 100_000;

  /**
   * Renders every published Rekor v1 entry now, so that serving them is a copy of bytes (load tests: the simulator
   * should not be the bottleneck). Entries are rendered again on demand once the log publishes a new head.
   */
  public void prerenderRekorV1() {
    rekorV1Routes.prerender();
  }

  static byte[] digest(long a) {
    return SimKey.sha256(ByteBuffer.allocate(8).putLong(a).array());
  }

  private void publishAll() {
    if (stale) return;
    rekorV1.publish();
    rekorV2.publish();
    for (RekorV2Log x : extraV2) x.publish();
    ct.publish();
    staticCt.publish();
  }

  /**
   * A new Rekor v2 shard (a yearly rollover, like {@code log2026-1}) served at {@code baseUrl() + "/" + path}, signing
   * checkpoints with origin {@code origin} and its own Ed25519 key; grown from now on like the first shard.
   */
  public synchronized RekorV2Log addRekorV2Shard(String path, String origin) {
    RekorV2Log shard = new RekorV2Log(origin, "witness.sigwatch.test",
        config.witnessed() ? RekorV2Log.Witness.VALID : RekorV2Log.Witness.NONE, clock, config.packedEntries());
    http.route("/" + path + "/api/v2", new RekorV2Routes(shard));
    extraV2.add(shard);
    shard.publish();
    return shard;
  }

  /** Serves {@code route} under {@code prefix} too (a benchmark's control routes). */
  public void route(String prefix, dev.sigwatch.simulator.http.Route route) {
    http.route(prefix, route);
  }

  /** When the simulated instance's trust starts (validity of its keys and CA). */
  public Instant trustStart() {
    return start;
  }

  public void inject(Fault f) {
    faults.inject(f);
  }

  public void clearFaults() {
    faults.clear();
  }

  /** Stages {@code incident} on Rekor v1 (on Rekor v2 for the witness incidents); see {@link Incident}. */
  public void trigger(Incident incident) {
    boolean witness = incident == Incident.WITNESS_MISSING || incident == Incident.WITNESS_INVALID;
    trigger(incident, witness ? LogTarget.REKOR_V2 : LogTarget.REKOR_V1);
  }

  /**
   * Stages {@code incident} on {@code target}. STALE stops every log. Publishing (growth) ends a split view and
   * re-signs over the full tree, as a log that recovered would.
   *
   * @throws IllegalArgumentException if {@code target} does not support {@code incident} (see {@link LogTarget})
   */
  public synchronized void trigger(Incident incident, LogTarget target) {
    if (incident == Incident.STALE) {
      stale = true;
    } else {
      incidents.trigger(incident, target);
    }
    LOG.info("sigstore-sim: triggered {} on {}", incident, target);
  }

  /**
   * Ends a Rekor v1 {@link Incident#SPLIT_VIEW}: every reader sees the real head again. (A Rekor v1 split view outlasts
   * growth, so a log growing on a timer still shows it; Rekor v2's and the CT logs' end at their next publish.)
   */
  public synchronized void endSplitView() {
    incidents.endSplitView();
    LOG.info("sigstore-sim: split view ended");
  }

  /** Ends a {@link Incident#STALE} incident: growth (timed or {@code grow}) publishes again. Idempotent. */
  public synchronized void resume() {
    stale = false;
    LOG.info("sigstore-sim: resumed growth");
  }

  public String baseUrl() {
    return http.baseUrl();
  }

  /** Rekor v1 base URL: append {@code /api/v1/log}. */
  public String rekorV1Url() {
    return http.baseUrl() + "/rekor";
  }

  /** Rekor v2 base URL: append {@code /api/v2/checkpoint}. */
  public String rekorV2Url() {
    return http.baseUrl() + "/rekor2";
  }

  /** RFC 6962 CT log base URL: append {@code /ct/v1/get-sth}. */
  public String ctUrl() {
    return http.baseUrl() + "/ct";
  }

  /** static-ct-api log prefix: append {@code /checkpoint}, {@code /tile/0/000}... */
  public String staticCtUrl() {
    return http.baseUrl() + "/static-ct";
  }

  public RekorV1Log rekorV1() {
    return rekorV1;
  }

  public RekorV2Log rekorV2() {
    return rekorV2;
  }

  public CtLog ct() {
    return ct;
  }

  public CtLog staticCt() {
    return staticCt;
  }

  public SimCa ca() {
    return ca;
  }

  public SimCa lookalikeCa() {
    return lookalike;
  }

  /** The trusted root (JSON bytes) for this instance: CA, Rekor v1 and v2 keys, both CT logs. */
  public byte[] trustedRoot() {
    return new TrustedRootWriter()
        .tlog(rekorV1Url(), rekorV1.key().spki(), "PKIX_ECDSA_P256_SHA_256", rekorV1.key().logId(), start)
        .tlog(rekorV2Url(), rekorV2.key().spki(), "PKIX_ED25519", rekorV2.logId(), start)
        .ca(baseUrl() + "/fulcio", ca.chain(), start)
        .ctlog(ctUrl(), ct.key().spki(), ct.key().logId(), start)
        .ctlog(staticCtUrl(), staticCt.key().spki(), staticCt.key().logId(), start)
        .toJson();
  }

  /** Writes {@link #trustedRoot()} to {@code dir/trusted_root.json} and the signing config beside it. */
  public Path writeTrustedRoot(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve("signing_config.v0.2.json"),
          TrustedRootWriter.signingConfig(baseUrl() + "/fulcio", rekorV1Url(), rekorV2Url(), start));
      return Files.write(dir.resolve("trusted_root.json"), trustedRoot());
    } catch (IOException e) {
      throw new UncheckedIOException("writing trusted root to " + dir, e);
    }
  }

  /** Rekor v1's key name: the configured hostname, else (old convention) the host and port of the URL. */
  private static String rekorV1Hostname(SimulatorConfig config, String base) {
    return config.rekorV1Hostname() != null ? config.rekorV1Hostname() : strip(base);
  }

  /** Rekor v2's origin: configured, else the URL's hostname (sigstore-go), or the URL without scheme (old). */
  private static String rekorV2Origin(SimulatorConfig config, String url) {
    String o = config.rekorV2Origin();
    if (o == null) return java.net.URI.create(url).getHost();
    return o.equals(SimulatorConfig.URL_WITHOUT_SCHEME) ? strip(url) : o;
  }

  /** When entries are timed now: {@link SimulatorConfig#backdate()} before the clock. */
  public Instant entryTime() {
    return entryClock.instant();
  }

  private static String strip(String url) {
    return url.replaceFirst("^https?://", "");
  }

  @Override
  public void close() {
    if (grower != null) grower.shutdownNow();
    http.close();
  }

}
