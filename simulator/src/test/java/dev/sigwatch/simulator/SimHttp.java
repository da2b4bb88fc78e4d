package dev.sigwatch.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.StreamSupport;

/** A tiny JDK HttpClient wrapper for the simulator tests. */
final class SimHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();

  HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> post(String url, String json) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  JsonNode json(String url) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = get(url);
    if (r.statusCode() != 200) throw new IOException("GET " + url + ": HTTP " + r.statusCode());
    return JSON.readTree(r.body());
  }

  static List<byte[]> hexList(JsonNode arr) {
    return StreamSupport.stream(arr.spliterator(), false).map(n -> HexFormat.of().parseHex(n.asText())).toList();
  }
}
