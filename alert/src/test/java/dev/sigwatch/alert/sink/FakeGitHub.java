package dev.sigwatch.alert.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTP server speaking the subset of GitHub's REST API (v3) that the issue sink uses, with real state: list
 * issues by label and state with pagination, create an issue, list and create comments, update an issue's state.
 * Requests without the expected bearer token get 401, as GitHub answers.
 */
final class FakeGitHub implements AutoCloseable {
  static final class Issue {
    final long number;
    final String title;
    final String body;
    final List<String> labels;
    String state = "open";
    final List<String> comments = new ArrayList<>();

    Issue(long number, String title, String body, List<String> labels) {
      this.number = number;
      this.title = title;
      this.body = body;
      this.labels = labels;
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern ISSUES = Pattern.compile("/api/v3/repos/([^/]+/[^/]+)/issues");
  private static final Pattern ISSUE = Pattern.compile("/api/v3/repos/([^/]+/[^/]+)/issues/(\\d+)");
  private static final Pattern COMMENTS = Pattern.compile("/api/v3/repos/([^/]+/[^/]+)/issues/(\\d+)/comments");

  private final HttpServer server;
  private final String repo;
  private final String token;
  private final List<Issue> issues = new ArrayList<>();
  private int requests;
  private int unauthorized;

  FakeGitHub(String repo, String token) throws IOException {
    this.repo = repo;
    this.token = token;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 20);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The apiUrl of a GitHub Enterprise Server: {@code http://127.0.0.1:PORT/api/v3}. */
  String apiUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v3";
  }

  synchronized List<Issue> issues() {
    return List.copyOf(issues);
  }

  synchronized int unauthorized() {
    return unauthorized;
  }

  private synchronized void handle(HttpExchange ex) throws IOException {
    requests++;
    String path = ex.getRequestURI().getPath();
    Map<String, String> q = query(ex.getRequestURI().getRawQuery());
    byte[] in = ex.getRequestBody().readAllBytes();
    if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      unauthorized++;
      send(ex, 401, MAPPER.createObjectNode().put("message", "Bad credentials"));
      return;
    }
    Matcher m;
    String method = ex.getRequestMethod();
    if ((m = COMMENTS.matcher(path)).matches() && m.group(1).equals(repo)) {
      Issue i = find(Long.parseLong(m.group(2)));
      if (i == null) {
        send(ex, 404, MAPPER.createObjectNode().put("message", "Not Found"));
      } else if (method.equals("GET")) {
        ArrayNode arr = MAPPER.createArrayNode();
        page(i.comments, q).forEach(c -> arr.addObject().put("body", c));
        send(ex, 200, arr);
      } else if (method.equals("POST")) {
        i.comments.add(MAPPER.readTree(in).path("body").asText());
        send(ex, 201, MAPPER.createObjectNode().put("id", i.comments.size()));
      } else {
        send(ex, 405, MAPPER.createObjectNode());
      }
    } else if ((m = ISSUE.matcher(path)).matches() && m.group(1).equals(repo)) {
      Issue i = find(Long.parseLong(m.group(2)));
      if (i == null || !method.equals("PATCH")) {
        send(ex, i == null ? 404 : 405, MAPPER.createObjectNode().put("message", "Not Found"));
      } else {
        JsonNode req = MAPPER.readTree(in);
        if (req.has("state")) i.state = req.get("state").asText();
        send(ex, 200, json(i));
      }
    } else if ((m = ISSUES.matcher(path)).matches() && m.group(1).equals(repo)) {
      if (method.equals("GET")) {
        String state = q.getOrDefault("state", "open");
        String label = q.get("labels");
        List<Issue> matching = issues.stream()
            .filter(i -> state.equals("all") || i.state.equals(state))
            .filter(i -> label == null || i.labels.contains(label)).toList();
        ArrayNode arr = MAPPER.createArrayNode();
        page(matching, q).forEach(i -> arr.add(json(i)));
        send(ex, 200, arr);
      } else if (method.equals("POST")) {
        JsonNode req = MAPPER.readTree(in);
        List<String> labels = new ArrayList<>();
        req.path("labels").forEach(l -> labels.add(l.asText()));
        Issue i = new Issue(issues.size() + 1, req.path("title").asText(), req.path("body").asText(), labels);
        issues.add(i);
        send(ex, 201, json(i));
      } else {
        send(ex, 405, MAPPER.createObjectNode());
      }
    } else {
      send(ex, 404, MAPPER.createObjectNode().put("message", "Not Found"));
    }
  }

  private static <T> List<T> page(List<T> all, Map<String, String> q) {
    int per = Integer.parseInt(q.getOrDefault("per_page", "30"));
    int page = Integer.parseInt(q.getOrDefault("page", "1"));
    int from = Math.min(all.size(), (page - 1) * per);
    return all.subList(from, Math.min(all.size(), from + per));
  }

  private Issue find(long n) {
    return issues.stream().filter(i -> i.number == n).findFirst().orElse(null);
  }

  private static ObjectNode json(Issue i) {
    ObjectNode n = MAPPER.createObjectNode().put("number", i.number).put("title", i.title).put("body", i.body)
        .put("state", i.state);
    ArrayNode labels = n.putArray("labels");
    i.labels.forEach(l -> labels.addObject().put("name", l));
    return n;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) return q;
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) q.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return q;
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] b = MAPPER.writeValueAsBytes(body);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
