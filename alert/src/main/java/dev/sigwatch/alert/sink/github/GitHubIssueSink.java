package dev.sigwatch.alert.sink.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GitHub issue per alert: opened for the alert, commented on INCIDENT_CONTINUES, commented and closed on
 * INCIDENT_RESOLVED. Works against github.com or GitHub Enterprise Server ({@code apiUrl}).
 *
 * <p>Never a second issue for one alert, across restarts and replays: every issue carries the label {@code label}
 * and the marker {@code <!-- sigwatch:alert-id=ID -->} in its body. Before its first delivery the sink lists every
 * issue with the label (open and closed; the issues API is consistent, unlike search) and learns which alert each
 * belongs to; it then remembers the issues it opens. Comments carry {@code <!-- sigwatch:event-id=KEY -->} and are
 * not posted twice (the issue's comments are read first). An update of an alert that has no issue (it predates the
 * sink, or was filtered) is skipped with a log line.
 *
 * <p>REST calls used: {@code GET /repos/O/R/issues?labels=L&state=all}, {@code POST /repos/O/R/issues},
 * {@code GET|POST /repos/O/R/issues/N/comments}, {@code PATCH /repos/O/R/issues/N}.
 */
public final class GitHubIssueSink implements Sink {
  private static final Logger log = LoggerFactory.getLogger(GitHubIssueSink.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final Pattern ALERT_MARKER = Pattern.compile("<!-- sigwatch:alert-id=([A-Za-z0-9_.:-]+) -->");
  private static final int PER_PAGE = 100;

  private final URI api;
  private final String repo;
  private final Secret token;
  private final String label;
  private final List<String> labels;
  private final HttpDelivery http;
  private final SinkContext ctx;
  private Map<String, Long> issues;

  public GitHubIssueSink(URI api, String repo, Secret token, String label, List<String> extraLabels, HttpDelivery http,
      SinkContext ctx) {
    this.api = api;
    this.repo = repo;
    this.token = token;
    this.label = label;
    List<String> l = new ArrayList<>(List.of(label));
    extraLabels.stream().filter(x -> !x.equals(label)).forEach(l::add);
    this.labels = List.copyOf(l);
    this.http = http;
    this.ctx = ctx;
  }

  /**
   * {@code type: github} — {@code repo} (owner/name), {@code token} (secret: a token allowed to write issues),
   * {@code apiUrl} (https://api.github.com; GHES: https://HOST/api/v3), {@code label} (sigwatch: how its issues are
   * found again), {@code labels} (more labels for new issues), HTTP settings (default 1 request/s: GitHub limits how
   * fast issues and comments may be created).
   */
  public static GitHubIssueSink fromOptions(SinkOptions o, SinkContext ctx, List<Secret> secrets) {
    String repo = o.required("repo", "the repository as owner/name");
    if (!repo.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) throw o.problem("repo", "'" + repo + "' is not owner/name");
    Secret token = o.secret("token");
    if (token == null) throw o.problem("token", "is missing: a token that may write issues, e.g. \"${GITHUB_TOKEN}\"");
    secrets.add(token);
    URI api = WebhookSinks.url(o, "apiUrl", o.string("apiUrl", "https://api.github.com"), true);
    String label = o.string("label", "sigwatch");
    return new GitHubIssueSink(api, repo, token, label, o.strings("labels"), WebhookSinks.http(o, 1), ctx);
  }

  @Override
  public void deliver(List<SinkMessage> batch) throws SinkException {
    if (issues == null) {
      issues = listIssues();
      log.info("github {}: {} issue(s) labelled '{}' already belong to alerts", repo, issues.size(), label);
    }
    for (SinkMessage m : batch) {
      Long number = issues.get(m.alertId());
      switch (m.kind()) {
        case ALERT -> {
          if (number == null) issues.put(m.alertId(), open(m.alert()));
        }
        case INCIDENT_CONTINUES, INCIDENT_RESOLVED -> {
          if (number == null) {
            log.info("github {}: no issue for alert {}; its {} is not posted", repo, m.alertId(), m.kind());
            continue;
          }
          comment(number, m);
          if (m.kind() == SinkMessage.Kind.INCIDENT_RESOLVED) close(number);
        }
      }
    }
  }

  private Map<String, Long> listIssues() throws SinkException {
    Map<String, Long> found = new HashMap<>();
    for (int page = 1; ; page++) {
      JsonNode arr = get("/repos/" + repo + "/issues?state=all&per_page=" + PER_PAGE + "&page=" + page + "&labels="
          + java.net.URLEncoder.encode(label, StandardCharsets.UTF_8), "listing issues of " + repo);
      for (JsonNode issue : arr) {
        Matcher mm = ALERT_MARKER.matcher(issue.path("body").asText(""));
        if (mm.find()) found.putIfAbsent(mm.group(1), issue.path("number").asLong());
      }
      if (arr.size() < PER_PAGE) return found;
    }
  }

  private long open(Alert a) throws SinkException {
    ObjectNode req = MAPPER.createObjectNode();
    String title = "[sigwatch] " + a.getSeverity() + " " + a.getType() + ": " + a.getSummary();
    req.put("title", title.length() > 200 ? title.substring(0, 199) + "…" : title);
    req.put("body", issueBody(a));
    labels.forEach(req.putArray("labels")::add);
    JsonNode created = send("POST", "/repos/" + repo + "/issues", req, "opening an issue in " + repo);
    long number = created.path("number").asLong();
    log.info("github {}: opened issue #{} for alert {}", repo, number, a.getAlertId());
    return number;
  }

  private void comment(long number, SinkMessage m) throws SinkException {
    String marker = "<!-- sigwatch:event-id=" + m.idempotencyKey() + " -->";
    for (int page = 1; ; page++) {
      JsonNode arr = get("/repos/" + repo + "/issues/" + number + "/comments?per_page=" + PER_PAGE + "&page=" + page,
          "reading comments of " + repo + "#" + number);
      for (JsonNode c : arr) {
        if (c.path("body").asText("").contains(marker)) return;
      }
      if (arr.size() < PER_PAGE) break;
    }
    StringBuilder body = new StringBuilder();
    body.append(m.kind() == SinkMessage.Kind.INCIDENT_RESOLVED ? "**Resolved.** " : "**Continues.** ")
        .append(m.headline()).append("\n\n");
    new TreeMap<>(m.detail()).forEach((k, v) -> body.append("- ").append(k).append(": `").append(md(v)).append("`\n"));
    body.append('\n').append(marker).append('\n');
    ObjectNode req = MAPPER.createObjectNode().put("body", body.toString());
    send("POST", "/repos/" + repo + "/issues/" + number + "/comments", req, "commenting on " + repo + "#" + number);
  }

  private void close(long number) throws SinkException {
    ObjectNode req = MAPPER.createObjectNode().put("state", "closed").put("state_reason", "completed");
    send("PATCH", "/repos/" + repo + "/issues/" + number, req, "closing " + repo + "#" + number);
    log.info("github {}: closed issue #{}", repo, number);
  }

  String issueBody(Alert a) {
    StringBuilder sb = new StringBuilder();
    sb.append("**").append(a.getSeverity()).append(' ').append(a.getType()).append("** — ").append(a.getSummary())
        .append("\n\n| | |\n|---|---|\n");
    row(sb, "Identity", a.getIdentity());
    row(sb, "Log", a.getLogId());
    row(sb, "Index", a.getLogIndex() == null ? null : Long.toString(a.getLogIndex()));
    row(sb, "Entry UUID", a.getUuid());
    row(sb, "Rule", a.getRuleId());
    row(sb, "Alert id", a.getAlertId());
    String link = ctx.alertLink(a.getAlertId());
    if (link != null) sb.append("\n[View the alert in sigwatch](").append(link).append(")\n");
    if (a.getCertificate() != null && !a.getCertificate().isEmpty()) {
      sb.append("\n<details><summary>Certificate</summary>\n\n");
      new TreeMap<>(a.getCertificate()).forEach((k, v) -> sb.append("- ").append(k).append(": `").append(md(v))
          .append("`\n"));
      sb.append("\n</details>\n");
    }
    sb.append("\n<!-- sigwatch:alert-id=").append(a.getAlertId()).append(" -->\n");
    return sb.toString();
  }

  private static void row(StringBuilder sb, String k, String v) {
    if (v != null && !v.isEmpty()) sb.append("| ").append(k).append(" | `").append(md(v).replace("|", "\\|")).append("` |\n");
  }

  private static String md(String v) {
    String s = v.replace('`', '\'').replace('\n', ' ');
    return s.length() > 300 ? s.substring(0, 299) + "…" : s;
  }

  private JsonNode get(String path, String what) throws SinkException {
    return parse(http.sendOk(base(path).GET().build(), what), what);
  }

  private JsonNode send(String method, String path, ObjectNode body, String what) throws SinkException {
    HttpRequest req = base(path).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
    return parse(http.sendOk(req, what), what);
  }

  private HttpRequest.Builder base(String path) {
    String b = api.toString().endsWith("/") ? api.toString().substring(0, api.toString().length() - 1) : api.toString();
    return http.request(URI.create(b + path))
        .header("Authorization", "Bearer " + token.value())
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28")
        .header("User-Agent", "sigwatch");
  }

  private static JsonNode parse(HttpResponse<String> r, String what) throws SinkException {
    try {
      return MAPPER.readTree(r.body() == null || r.body().isEmpty() ? "{}" : r.body());
    } catch (IOException e) {
      throw new SinkException(what + ": the answer is not JSON", e);
    }
  }

  @Override
  public String describe() {
    return "github issues in " + repo + " at " + HttpDelivery.hostOf(api);
  }
}
