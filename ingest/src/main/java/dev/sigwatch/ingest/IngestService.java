package dev.sigwatch.ingest;

import dev.sigwatch.ingest.ct.CtSource;
import dev.sigwatch.ingest.ct.DetectedCtSource;
import dev.sigwatch.ingest.ct.HttpCtClient;
import dev.sigwatch.ingest.http.LogHttp;
import dev.sigwatch.ingest.http.RateLimiter;
import dev.sigwatch.ingest.http.Sleeper;
import dev.sigwatch.ingest.rekor.HttpRekorV1Client;
import dev.sigwatch.ingest.rekor.RekorV1Source;
import dev.sigwatch.ingest.tiles.HttpTileFetcher;
import dev.sigwatch.ingest.tiles.RekorV2Source;
import dev.sigwatch.ingest.tiles.StaticCtSource;
import dev.sigwatch.schemas.topics.Topics;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service: one {@link IngestPoller} thread per log, each with its own fetch threads, HTTP limits and
 * transactional producer. {@link #start()} returns at once; {@link #close()} stops the pollers (an open transaction
 * is aborted, so nothing half-written is ever visible) and waits for them. Thread-safe.
 */
public final class IngestService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestService.class);

  private final IngestSettings settings;
  private final Map<String, Object> clientProperties;
  private final Topics topics;
  private final IngestMetrics metrics;
  private final Sleeper sleeper;
  private final Clock clock;
  private final HttpClient http = LogHttp.defaultClient();
  private final List<IngestPoller> pollers = new ArrayList<>();
  private final List<ExecutorService> pools = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Map<String, LogHttp> logHttp = new HashMap<>();
  private UnaryOperator<LogSource> decorate = UnaryOperator.identity();
  private long heldLimit = HeldBudget.DEFAULT_LIMIT_BYTES;

  /**
   * @param clientProperties Kafka client properties ({@code bootstrap.servers}, security settings…); producer and
   *     consumer settings are derived from them
   */
  public IngestService(IngestSettings settings, Map<String, Object> clientProperties, Topics topics,
      IngestMetrics metrics) {
    this(settings, clientProperties, topics, metrics, Sleeper.SYSTEM, Clock.systemUTC());
  }

  public IngestService(IngestSettings settings, Map<String, Object> clientProperties, Topics topics,
      IngestMetrics metrics, Sleeper sleeper, Clock clock) {
    this.settings = settings;
    this.clientProperties = Map.copyOf(clientProperties);
    this.topics = topics;
    this.metrics = metrics;
    this.sleeper = sleeper;
    this.clock = clock;
  }

  /** Starts one poller per log. Call once. */
  public synchronized IngestService start() {
    if (!threads.isEmpty()) throw new IllegalStateException("already started");
    for (LogTarget t : settings.logs()) {
      LogSource source = decorate.apply(source(t));
      AtomicInteger n = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(settings.inFlight(), r -> {
        Thread th = new Thread(r, "ingest-fetch-" + source.name() + "-" + n.incrementAndGet());
        th.setDaemon(true);
        return th;
      });
      IngestPoller p = new IngestPoller(source, settings, clientProperties, topics, metrics, pool, sleeper, clock,
          heldLimit);
      Thread th = new Thread(p, "ingest-" + source.name());
      pools.add(pool);
      pollers.add(p);
      threads.add(th);
      log.info("{}: ingesting {} from {}", source.name(), t.family().configName(), t.url());
      th.start();
    }
    return this;
  }

  private LogSource source(LogTarget t) {
    LogHttp h = new LogHttp(t.withoutScheme(), http, settings.retry(),
        new RateLimiter(settings.requestsPerSecond(), Math.max(1, (int) Math.min(settings.inFlight(),
            settings.requestsPerSecond())), System::nanoTime, sleeper),
        sleeper, settings.requestTimeout(), settings.maxResponseBytes(), metrics.httpListener(t.withoutScheme()));
    logHttp.put(t.withoutScheme(), h);
    return switch (t.family()) {
      case REKOR_V1 -> new RekorV1Source(t, new HttpRekorV1Client(t, h), topics, clock);
      case REKOR_V2 -> new RekorV2Source(t, new HttpTileFetcher(h, RekorV2Source.tilePrefix(t)), topics, clock);
      case STATIC_CT -> staticCt(t, h);
      // RFC 6962 or static-ct: found out at the first poll (the trusted root does not say which).
      case CT -> new DetectedCtSource(new CtSource(t, new HttpCtClient(t, h), topics, clock),
          staticCt(LogTarget.of("static-ct", t.url().toString()), h));
    };
  }

  private StaticCtSource staticCt(LogTarget t, LogHttp h) {
    return new StaticCtSource(t, new HttpTileFetcher(h, StaticCtSource.tilePrefix(t)), topics, clock);
  }

  /** Another limit for each log's fetched-but-unpublished batches (see {@link HeldBudget}); before {@link #start()}. */
  synchronized IngestService withHeldBudget(long bytes) {
    if (!threads.isEmpty()) throw new IllegalStateException("already started");
    heldLimit = bytes;
    return this;
  }

  /** Per log: the most bytes of fetched batches ever held at once, waiting to be published. */
  Map<String, Long> peakHeldBytes() {
    Map<String, Long> m = new HashMap<>();
    for (int i = 0; i < pollers.size(); i++) {
      m.put(settings.logs().get(i).withoutScheme(), pollers.get(i).peakHeldBytes());
    }
    return m;
  }

  /** Wraps every log's source before {@link #start()} (tests inject failures with it). */
  synchronized IngestService decorateSources(UnaryOperator<LogSource> d) {
    if (!threads.isEmpty()) throw new IllegalStateException("already started");
    decorate = d;
    return this;
  }

  /**
   * Whether every log answered its last request and every poller is well: false while a poller backs off after a
   * failure (until its next commit), and for good once one stopped on a broken invariant or died.
   */
  public boolean healthy() {
    return logHttp.values().stream().allMatch(LogHttp::healthy) && pollers.stream().allMatch(IngestPoller::healthy);
  }

  /** Next index to ingest per log (-1 while starting). */
  public Map<String, Long> positions() {
    Map<String, Long> m = new HashMap<>();
    for (int i = 0; i < pollers.size(); i++) m.put(settings.logs().get(i).withoutScheme(), pollers.get(i).position());
    return m;
  }

  /** Newest checkpoint end per log. */
  public Map<String, Long> ends() {
    Map<String, Long> m = new HashMap<>();
    for (int i = 0; i < pollers.size(); i++) m.put(settings.logs().get(i).withoutScheme(), pollers.get(i).end());
    return m;
  }

  /** True once every poller has stopped (a bounded range is done, or a broken invariant stopped it). */
  public boolean finished() {
    return pollers.stream().allMatch(IngestPoller::finished);
  }

  @Override
  public synchronized void close() throws InterruptedException {
    pollers.forEach(IngestPoller::stop);
    for (IngestPoller p : pollers) p.awaitStopped(Duration.ofSeconds(30));
    pools.forEach(ExecutorService::shutdownNow);
  }
}
