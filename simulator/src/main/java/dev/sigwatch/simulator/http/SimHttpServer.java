package dev.sigwatch.simulator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sigwatch.simulator.faults.Fault;
import dev.sigwatch.simulator.faults.FaultInjector;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small loopback HTTP/1.1 server (JDK HttpServer, keep-alive, fixed thread pool) that dispatches by path prefix and
 * applies injected {@link Fault}s before answering. Routes must be registered before {@link #start()}.
 */
public final class SimHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SimHttpServer.class);

  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle plus the client's delayed ACK
    // stall every keep-alive response by ~40 ms (25 requests/s per connection). Read once, when the server class
    // loads, so this must be set before any HttpServer is created in this JVM; it only ever lowers latency.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService pool;
  private final FaultInjector faults;

  public SimHttpServer(int port, int threads, FaultInjector faults) throws IOException {
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "sigstore-sim-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.server.setExecutor(pool);
    this.faults = faults;
  }

  /** Serves every request whose path starts with {@code prefix}; the route sees the path relative to it. */
  public void route(String prefix, Route route) {
    server.createContext(prefix, ex -> handle(ex, prefix, route));
  }

  public void start() {
    server.start();
  }

  /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
  public String baseUrl() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex, String prefix, Route route) throws IOException {
    try (ex) {
      URI uri = ex.getRequestURI();
      String fullPath = uri.getRawPath();
      Optional<Fault> fault = faults.pick(fullPath);
      if (fault.isPresent() && fault.get().kind() == Fault.Kind.RESET) {
        return; // close without a byte of response
      }
      Response resp = fault.isPresent() ? failure(fault.get()) : null;
      if (resp == null) resp = dispatch(ex, prefix, route, fullPath, uri.getRawQuery());
      if (fault.isPresent() && fault.get().kind() == Fault.Kind.SLOW) pause(fault.get());
      boolean truncate = fault.isPresent() && fault.get().kind() == Fault.Kind.TRUNCATE;
      send(ex, resp, truncate);
    } catch (IOException | RuntimeException e) {
      LOG.debug("sim: request {} ended with {}", ex.getRequestURI(), e.toString());
    }
  }

  private static Response dispatch(HttpExchange ex, String prefix, Route route, String fullPath, String rawQuery) {
    try {
      byte[] body = ex.getRequestBody().readAllBytes();
      String sub = fullPath.substring(Math.min(prefix.length(), fullPath.length()));
      return route.handle(new Request(ex.getRequestMethod(), sub, Request.parseQuery(rawQuery), body));
    } catch (Request.BadRequest e) {
      return Response.error(400, e.getMessage());
    } catch (IOException | RuntimeException e) {
      LOG.warn("sim: {} failed", fullPath, e);
      return Response.error(500, "internal error: " + e);
    }
  }

  private static Response failure(Fault f) {
    return switch (f.kind()) {
      case RATE_LIMIT -> new Response(429, "application/json", "{\"code\":429,\"message\":\"rate limited\"}".getBytes(),
          Map.of("Retry-After", Integer.toString(f.retryAfterSeconds())));
      case SERVER_ERROR -> Response.error(500, "injected server error");
      case UNAVAILABLE -> Response.error(503, "injected unavailability");
      default -> null;
    };
  }

  private static void pause(Fault f) {
    try {
      Thread.sleep(f.delay().toMillis()); // server side only: models a slow log
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(HttpExchange ex, Response resp, boolean truncate) throws IOException {
    ex.getResponseHeaders().set("Content-Type", resp.contentType());
    resp.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    byte[] body = resp.body();
    ex.sendResponseHeaders(resp.status(), body.length == 0 ? -1 : body.length);
    if (body.length == 0) return;
    OutputStream out = ex.getResponseBody();
    if (truncate) {
      out.write(body, 0, body.length / 2);
      out.flush();
      ex.close(); // fewer bytes than Content-Length: the JDK server drops the connection
      return;
    }
    out.write(body);
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
    try {
      pool.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
