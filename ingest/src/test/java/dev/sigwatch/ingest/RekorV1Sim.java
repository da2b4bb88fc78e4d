package dev.sigwatch.ingest;

import dev.sigwatch.simulator.crypto.SimKey;
import dev.sigwatch.simulator.faults.FaultInjector;
import dev.sigwatch.simulator.http.SimHttpServer;
import dev.sigwatch.simulator.rekorv1.BodyTemplate;
import dev.sigwatch.simulator.rekorv1.RekorV1Log;
import dev.sigwatch.simulator.rekorv1.RekorV1Routes;
import dev.sigwatch.simulator.rekorv1.V1Bodies;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;

/** A Rekor v1 simulator on a loopback port, for ingest tests and the benchmark. */
public final class RekorV1Sim implements AutoCloseable {
  public final RekorV1Log log;
  public final FaultInjector faults = new FaultInjector();
  public final SimHttpServer server;
  private final BodyTemplate template;
  private final RekorV1Routes routes;

  public RekorV1Sim(String host, int threads) throws IOException {
    SimKey key = SimKey.generate(SimKey.Alg.ECDSA_P256);
    log = new RekorV1Log(host, key, Clock.systemUTC());
    SimKey signer = SimKey.generate(SimKey.Alg.ECDSA_P256);
    template = V1Bodies.template(V1Bodies.Kind.HASHEDREKORD_KEY, null, signer.keyPair().getPublic(),
        V1Bodies.signDigest(signer.keyPair().getPrivate(), digest(0)));
    server = new SimHttpServer(0, threads, faults);
    routes = new RekorV1Routes(log);
    server.route("/api/v1", routes);
    server.start();
  }

  /** Appends {@code n} entries with distinct artifact digests and publishes a checkpoint. */
  public void grow(int n) {
    long base = log.active().offset() + log.active().tree().size();
    log.appendBatch(n, i -> template, i -> digest(base + i));
    log.publish();
  }

  /** Renders every published entry now, so that serving is a copy of bytes (see {@link RekorV1Routes#prerender}). */
  public void prerender() {
    routes.prerender();
  }

  public String url() {
    return server.baseUrl();
  }

  static byte[] digest(long i) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(ByteBuffer.allocate(8).putLong(i).array());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
