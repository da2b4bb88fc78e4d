package dev.sigwatch.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sigwatch alert test --sink NAME}: a TEST alert through one sink, and what happened. */
class AlertTestCommandTest {
  @TempDir Path tmp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new AlertCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void deliversThroughTheNamedSinkOnly() throws Exception {
    AtomicReference<String> got = new AtomicReference<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 5);
    server.createContext("/", ex -> {
      got.set(ex.getRequestHeaders().getFirst("webhook-id") + " " + new String(ex.getRequestBody().readAllBytes()));
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    server.start();
    Path file = tmp.resolve("other.jsonl");
    try {
      Path cfg = config("""
          alerts:
            sinks:
              - {name: hook, type: webhook, url: "http://127.0.0.1:%d/x", allowAddresses: [loopback], minSeverity: CRITICAL}
              - {name: other, type: jsonlines, file: %s}
          """.formatted(server.getAddress().getPort(), file));
      assertThat(run("test", "--config", cfg.toString(), "--sink", "hook")).as(err::toString).isZero();
    } finally {
      server.stop(0);
    }
    assertThat(out.toString()).matches("(?s)sink hook \\(webhook http://127\\.0\\.0\\.1:\\d+\\): delivered test alert "
        + "[0-9a-f]{64} in \\d+ ms\\n");
    String id = out.toString().replaceAll("(?s).*test alert ([0-9a-f]{64}).*", "$1");
    assertThat(got.get()).startsWith(id + " ").contains("\"type\":\"TEST\"").contains("\"severity\":\"INFO\"");
    assertThat(Files.exists(file) ? Files.readString(file) : "").isEmpty();
  }

  @Test
  void saysWhyNotWithoutTheSecret() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Path cfg = config("""
        alerts:
          sinks:
            - {name: hook, type: webhook, url: "http://127.0.0.1:%d/x?token=tok-SECRET-123", allowAddresses: [loopback], secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw]}
            - {name: ssrf, type: webhook, url: "http://127.0.0.1:%d/x"}
        """.formatted(closed, closed));
    assertThat(run("test", "--config", cfg.toString(), "--sink", "hook")).isEqualTo(1);
    assertThat(err.toString()).startsWith("sink hook (webhook http://127.0.0.1:" + closed + "): NOT delivered after ")
        .contains("posting 1 message(s) to 127.0.0.1:" + closed + ": ConnectException").doesNotContain("tok-SECRET")
        .doesNotContain("MfKQ9r8");
    err.getBuffer().setLength(0);
    assertThat(run("test", "--config", cfg.toString(), "--sink", "ssrf")).isEqualTo(1);
    assertThat(err.toString()).contains("resolves to 127.0.0.1, a loopback address, which sinks may not call");
    err.getBuffer().setLength(0);
    assertThat(run("test", "--config", cfg.toString(), "--sink", "nope")).isEqualTo(2);
    assertThat(err.toString()).contains("no sink named 'nope'; configured: [hook, ssrf]");
  }

  private Path config(String yaml) throws Exception {
    Path p = tmp.resolve("sigwatch.yaml");
    Files.writeString(p, yaml);
    return p;
  }
}
