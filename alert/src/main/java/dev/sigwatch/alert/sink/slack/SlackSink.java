package dev.sigwatch.alert.sink.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.alert.sink.Secret;
import dev.sigwatch.alert.sink.Sink;
import dev.sigwatch.alert.sink.SinkContext;
import dev.sigwatch.alert.sink.SinkException;
import dev.sigwatch.alert.sink.SinkMessage;
import dev.sigwatch.alert.sink.SinkOptions;
import dev.sigwatch.alert.sink.http.HttpDelivery;
import dev.sigwatch.alert.sink.webhook.WebhookSinks;
import dev.sigwatch.schemas.Alert;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Posts each alert to a Slack incoming webhook as a readable message: severity and type, the summary, identity, log,
 * index and rule, a link to the alert's web page when {@code alerts.webUrl} is set, and the idempotency key (Slack
 * has no dedup of its own; a repeat shows the same key). The webhook URL is itself the credential, so it is a
 * {@link Secret} and messages name only Slack's host.
 */
public final class SlackSink implements Sink {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final URI url;
  private final HttpDelivery http;
  private final SinkContext ctx;

  public SlackSink(URI url, HttpDelivery http, SinkContext ctx) {
    this.url = url;
    this.http = http;
    this.ctx = ctx;
  }

  /** {@code type: slack} — {@code url} (the incoming webhook, secret: {@code ${SLACK_WEBHOOK_URL}}), HTTP settings. */
  public static SlackSink fromOptions(SinkOptions o, SinkContext ctx, List<Secret> secrets) {
    Secret url = o.secret("url");
    if (url == null) throw o.problem("url", "is missing: the Slack incoming webhook URL, e.g. \"${SLACK_WEBHOOK_URL}\"");
    secrets.add(url);
    // Slack accepts about one message per second per incoming webhook.
    return new SlackSink(WebhookSinks.url(o, "url", url.value(), false), WebhookSinks.http(o, 1), ctx);
  }

  @Override
  public void deliver(List<SinkMessage> batch) throws SinkException {
    for (SinkMessage m : batch) {
      String body = message(m, ctx).toString();
      HttpRequest req = http.request(url).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
      http.sendOk(req, "posting to Slack (" + url.getHost() + ")");
    }
  }

  /** The Slack message (Block Kit, with a plain-text fallback) for {@code m}. */
  static ObjectNode message(SinkMessage m, SinkContext ctx) {
    Alert a = m.alert();
    String severity = a == null ? "" : a.getSeverity().name() + " ";
    String title = switch (m.kind()) {
      case ALERT -> icon(a) + " *" + severity + esc(m.alertType()) + "*";
      case INCIDENT_CONTINUES -> ":repeat: *" + severity + esc(m.alertType()) + " continues*";
      case INCIDENT_RESOLVED -> ":white_check_mark: *" + severity + esc(m.alertType()) + " resolved*";
    };
    List<String> fields = new ArrayList<>();
    if (a != null && a.getIdentity() != null) fields.add("*Identity*\n" + esc(a.getIdentity()));
    if (m.logId() != null) fields.add("*Log*\n" + esc(m.logId()));
    if (a != null && a.getLogIndex() != null) fields.add("*Index*\n" + a.getLogIndex());
    if (a != null && a.getRuleId() != null) fields.add("*Rule*\n" + esc(a.getRuleId()));
    ObjectNode msg = MAPPER.createObjectNode();
    msg.put("text", plain(severity + m.alertType() + ": " + m.headline()));
    ArrayNode blocks = msg.putArray("blocks");
    section(blocks).put("text", title + "\n" + esc(m.headline()));
    if (!fields.isEmpty()) {
      ArrayNode f = blocks.addObject().put("type", "section").putArray("fields");
      fields.forEach(s -> f.addObject().put("type", "mrkdwn").put("text", s));
    }
    String link = ctx.alertLink(m.alertId());
    String context = (link == null ? "" : "<" + link + "|View alert in sigwatch> · ") + "id `" + esc(m.idempotencyKey())
        + "`" + (m.kind() == SinkMessage.Kind.ALERT ? "" : " · alert `" + esc(m.alertId()) + "`");
    blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn").put("text", context);
    return msg;
  }

  private static ObjectNode section(ArrayNode blocks) {
    ObjectNode s = blocks.addObject().put("type", "section");
    return s.putObject("text").put("type", "mrkdwn");
  }

  private static String icon(Alert a) {
    return switch (a.getSeverity()) {
      case CRITICAL, HIGH -> ":rotating_light:";
      case MEDIUM -> ":warning:";
      default -> ":information_source:";
    };
  }

  /** Slack's escaping of the three control characters of its markup. */
  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String plain(String s) {
    return esc(s);
  }

  @Override
  public String describe() {
    return "slack " + url.getHost();
  }
}
