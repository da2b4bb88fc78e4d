package dev.sigwatch.alert.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.alert.sink.email.EmailSink;
import dev.sigwatch.alert.sink.github.GitHubIssueSink;
import dev.sigwatch.alert.sink.hook.HookSink;
import dev.sigwatch.alert.sink.slack.SlackSink;
import dev.sigwatch.alert.sink.syslog.SyslogSink;
import dev.sigwatch.alert.sink.webhook.WebhookSinks;
import dev.sigwatch.schemas.Severity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Builds the sinks of {@code alerts.sinks[]}. Each entry has the common keys
 * <pre>
 *   name: pager                 # unique; consumer group sigwatch-sink-pager, metrics label
 *   type: webhook               # webhook | slack | email | github | syslog | jsonlines | hook
 *   minSeverity: HIGH           # INFO LOW MEDIUM HIGH CRITICAL (default: any)
 *   types: [FORK, SPLIT_VIEW]   # alert types (default: any)
 *   rules: [release-workflow]   # watchlist rule ids (default: any)
 *   logs: [rekor.sigstore.dev]  # log ids (default: any)
 *   updates: true               # INCIDENT_CONTINUES / INCIDENT_RESOLVED of its alerts (default true)
 *   backoff: PT1S               # first retry delay, doubling with jitter ...
 *   maxBackoff: PT5M            # ... up to this
 *   suspendAfter: 8             # consecutive failures before the sink is suspended (a HEALTH alert says so)
 *   resumeAfter: PT10M          # a suspended sink tries again this often
 * </pre>
 * plus the keys of its type (see each sink). Building opens no connection: {@code sigwatch config check} builds and
 * closes them to validate a file.
 */
public final class SinkFactory {
  public static final List<String> TYPES = List.of("webhook", "slack", "email", "github", "syslog", "jsonlines", "hook");

  private SinkFactory() {}

  /** Every sink of {@code nodes} ({@code alerts.sinks}); names must be unique. */
  public static List<SinkSpec> buildAll(List<? extends JsonNode> nodes, SinkContext ctx) {
    List<SinkSpec> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    try {
      for (int i = 0; i < nodes.size(); i++) {
        SinkSpec s = build(nodes.get(i), "alerts.sinks[" + i + "]", ctx);
        out.add(s);
        if (!names.add(s.name())) {
          throw new IllegalArgumentException("alerts.sinks[" + i + "].name '" + s.name() + "' is used twice: each sink "
              + "needs its own name (it names its consumer group)");
        }
      }
      return out;
    } catch (RuntimeException e) {
      closeAll(out);
      throw e;
    }
  }

  /** Closes sinks, ignoring failures (used after a validation or a failed start). */
  public static void closeAll(List<SinkSpec> specs) {
    for (SinkSpec s : specs) {
      try {
        s.sink().close();
      } catch (Exception ignored) {
        // nothing was delivered through it
      }
    }
  }

  /**
   * One sink from its YAML mapping.
   *
   * @param at where it is in the file, for messages ({@code alerts.sinks[0]})
   * @throws IllegalArgumentException naming the key to fix
   */
  public static SinkSpec build(JsonNode node, String at, SinkContext ctx) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(at + " must be a mapping with at least name and type");
    }
    SinkOptions o = new SinkOptions((ObjectNode) node, at);
    String name = o.required("name", "give the sink a name (letters, digits, '.', '_', '-')");
    if (!SinkSpec.NAME.matcher(name).matches()) {
      throw o.problem("name", "'" + name + "' may only hold letters, digits, '.', '_' and '-' (1-100 of them)");
    }
    String type = o.required("type", "one of " + String.join(", ", TYPES));
    SinkFilter filter = new SinkFilter(severity(o), new LinkedHashSet<>(o.strings("types")),
        new LinkedHashSet<>(o.strings("rules")), new LinkedHashSet<>(o.strings("logs")));
    boolean updates = o.bool("updates", true);
    RetryPolicy retry;
    try {
      RetryPolicy d = RetryPolicy.DEFAULT;
      retry = new RetryPolicy(o.duration("backoff", d.backoff(), false), o.duration("maxBackoff", d.maxBackoff(), false),
          o.integer("suspendAfter", d.suspendAfter(), 1), o.duration("resumeAfter", d.resumeAfter(), false));
    } catch (IllegalArgumentException e) {
      throw e.getMessage().startsWith(at) ? e : new IllegalArgumentException(at + ": " + e.getMessage());
    }
    List<Secret> secrets = new ArrayList<>();
    Sink sink = switch (type) {
      case "webhook" -> WebhookSinks.webhook(o, ctx, secrets);
      case "slack" -> SlackSink.fromOptions(o, ctx, secrets);
      case "email" -> EmailSink.fromOptions(o, ctx, secrets);
      case "github" -> GitHubIssueSink.fromOptions(o, ctx, secrets);
      case "syslog" -> SyslogSink.fromOptions(o, ctx);
      case "jsonlines" -> jsonLines(o);
      case "hook" -> HookSink.fromOptions(o, ctx);
      default -> throw o.problem("type", "is '" + type + "': use one of " + String.join(", ", TYPES));
    };
    try {
      o.rejectUnknown(type);
    } catch (IllegalArgumentException e) {
      closeAll(List.of(new SinkSpec(name, sink, filter, updates, retry, secrets)));
      throw e;
    }
    return new SinkSpec(name, sink, filter, updates, retry, secrets);
  }

  private static Severity severity(SinkOptions o) {
    String s = o.string("minSeverity", null);
    if (s == null) return null;
    try {
      return Severity.valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw o.problem("minSeverity", "is '" + s + "': use one of INFO, LOW, MEDIUM, HIGH, CRITICAL");
    }
  }

  /** {@code file}: append JSON lines to it; without, write them to stdout. */
  private static Sink jsonLines(SinkOptions o) {
    java.nio.file.Path file = o.path("file");
    if (file == null) return JsonLinesSink.toStream(System.out);
    java.nio.file.Path dir = file.toAbsolutePath().getParent();
    if (dir != null && !java.nio.file.Files.isDirectory(dir)) {
      throw o.problem("file", file + ": its directory does not exist; create it or choose another path");
    }
    try {
      return JsonLinesSink.toFile(file);
    } catch (IOException e) {
      throw new UncheckedIOException(o.at() + ".file " + file + ": cannot open: " + e.getMessage(), e);
    }
  }
}
