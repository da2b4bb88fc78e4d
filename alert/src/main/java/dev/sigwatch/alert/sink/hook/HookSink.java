package dev.sigwatch.alert.sink.hook;

import dev.sigwatch.alert.sink.MessageJson;
import dev.sigwatch.alert.sink.Sink;
import dev.sigwatch.alert.sink.SinkContext;
import dev.sigwatch.alert.sink.SinkException;
import dev.sigwatch.alert.sink.SinkMessage;
import dev.sigwatch.alert.sink.SinkOptions;
import dev.sigwatch.schemas.Alert;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a command per alert, as certspotter runs its hook scripts: the message as JSON ({@link MessageJson}) on stdin,
 * and environment variables a shell script can use without parsing JSON:
 * <pre>
 * SIGWATCH_EVENT            alert.created | alert.continues | alert.resolved
 * SIGWATCH_ALERT_ID         the alert (also of an update)
 * SIGWATCH_IDEMPOTENCY_KEY  alert id, or the update's event id: the same on every repeat
 * SIGWATCH_ALERT_TYPE       IDENTITY_MATCH, FORK, ... (an update: the incident's type)
 * SIGWATCH_SEVERITY         INFO ... CRITICAL (empty for an update of an alert not seen since start)
 * SIGWATCH_SUMMARY          one line for a human
 * SIGWATCH_LOG              log id;  SIGWATCH_INDEX: entry index or tree size
 * SIGWATCH_UUID             Rekor entry UUID;  SIGWATCH_RULE_ID: watchlist rule
 * SIGWATCH_IDENTITY         the identity that matched (SAN, subject)
 * SIGWATCH_CERT_SHA256      SHA-256 fingerprint of the certificate
 * SIGWATCH_WEB_URL          the alert's web page, when alerts.webUrl is set
 * </pre>
 * Exit status 0 is delivered; anything else, or running longer than {@code timeout} (the process is killed), is a
 * failure that is retried. The command's output is logged at debug level, at most a few lines. The command gets the
 * environment of sigwatch plus these; its own {@code env} settings are added.
 */
public final class HookSink implements Sink {
  private static final Logger log = LoggerFactory.getLogger(HookSink.class);
  private static final int MAX_OUTPUT = 4096;

  private final List<String> command;
  private final Map<String, String> env;
  private final Duration timeout;
  private final SinkContext ctx;

  public HookSink(List<String> command, Map<String, String> env, Duration timeout, SinkContext ctx) {
    if (command.isEmpty()) throw new IllegalArgumentException("command must not be empty");
    this.command = List.copyOf(command);
    this.env = Map.copyOf(env);
    this.timeout = timeout;
    this.ctx = ctx;
  }

  /** {@code type: hook} — {@code command} (a list: program and arguments; no shell), {@code timeout} (PT30S), {@code env}. */
  public static HookSink fromOptions(SinkOptions o, SinkContext ctx) {
    List<String> command = o.strings("command");
    if (command.isEmpty()) throw o.problem("command", "is missing: the program and its arguments, e.g. [/usr/local/bin/on-alert.sh]");
    return new HookSink(command, o.map("env"), o.duration("timeout", Duration.ofSeconds(30), false), ctx);
  }

  @Override
  public void deliver(List<SinkMessage> batch) throws SinkException {
    for (SinkMessage m : batch) {
      run(m);
    }
  }

  private void run(SinkMessage m) throws SinkException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().putAll(variables(m, ctx));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new SinkException("starting hook " + command.get(0) + ": " + e.getMessage(), e);
    }
    OutputCollector output = new OutputCollector(p.getInputStream());
    output.start();
    try (OutputStream stdin = p.getOutputStream()) {
      stdin.write(MessageJson.toLine(m).getBytes(StandardCharsets.UTF_8));
      stdin.write('\n');
    } catch (IOException e) {
      // The hook may exit without reading its input; its exit status decides.
      log.debug("hook {}: stdin closed early: {}", command.get(0), e.getMessage());
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        throw new SinkException("hook " + command.get(0) + " ran longer than " + timeout + " and was killed");
      }
      output.join(1000);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new SinkException("hook " + command.get(0) + ": interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new SinkException(String.format(Locale.ROOT, "hook %s exited with status %d for %s", command.get(0),
          p.exitValue(), m.idempotencyKey()));
    }
    if (!output.text().isBlank()) {
      log.debug("hook {} for {}: {}", command.get(0), m.idempotencyKey(), output.text().strip());
    }
  }

  /** The environment variables of {@code m}. */
  public static Map<String, String> variables(SinkMessage m, SinkContext ctx) {
    Alert a = m.alert();
    Map<String, String> v = new LinkedHashMap<>();
    v.put("SIGWATCH_EVENT", m.kind().eventType());
    v.put("SIGWATCH_ALERT_ID", m.alertId());
    v.put("SIGWATCH_IDEMPOTENCY_KEY", m.idempotencyKey());
    v.put("SIGWATCH_ALERT_TYPE", m.alertType());
    v.put("SIGWATCH_SEVERITY", a == null ? "" : a.getSeverity().name());
    v.put("SIGWATCH_SUMMARY", m.headline());
    v.put("SIGWATCH_LOG", m.logId() == null ? "" : m.logId());
    Long index = a != null ? a.getLogIndex() : m.update() == null ? null : m.update().getTreeSize();
    v.put("SIGWATCH_INDEX", index == null ? "" : Long.toString(index));
    v.put("SIGWATCH_UUID", a == null || a.getUuid() == null ? "" : a.getUuid());
    v.put("SIGWATCH_RULE_ID", a == null || a.getRuleId() == null ? "" : a.getRuleId());
    v.put("SIGWATCH_IDENTITY", a == null || a.getIdentity() == null ? "" : a.getIdentity());
    String cert = a == null || a.getCertificate() == null ? null : a.getCertificate().get("fingerprint");
    v.put("SIGWATCH_CERT_SHA256", cert == null ? "" : cert);
    String link = ctx.alertLink(m.alertId());
    v.put("SIGWATCH_WEB_URL", link == null ? "" : link);
    return v;
  }

  @Override
  public String describe() {
    return "hook " + command.get(0);
  }

  /** Reads a process's output so it never blocks on a full pipe; keeps the first few KB. */
  private static final class OutputCollector extends Thread {
    private final InputStream in;
    private final StringBuilder text = new StringBuilder();

    OutputCollector(InputStream in) {
      super("sigwatch-hook-output");
      setDaemon(true);
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buf = new byte[1024];
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          synchronized (text) {
            if (text.length() < MAX_OUTPUT) text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }

    String text() {
      synchronized (text) {
        return text.length() > MAX_OUTPUT ? text.substring(0, MAX_OUTPUT) : text.toString();
      }
    }
  }
}
