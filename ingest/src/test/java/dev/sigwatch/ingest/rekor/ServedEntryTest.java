package dev.sigwatch.ingest.rekor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.ingest.http.MalformedResponseException;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.ServedRaw;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * {@link ServedEntry} on the real served {@code {uuid: entry}} fixtures and mutations of them; the oracle is a
 * Jackson tree read of the same bytes (a different code path from the streaming parse under test).
 */
class ServedEntryTest {
  private static final ObjectMapper TREE = new ObjectMapper();

  static Stream<Path> servedShape() throws IOException {
    Path dir = Path.of(System.getProperty("sigwatch.fixtures"), "rekor-v1", "entries");
    List<Path> all;
    try (Stream<Path> s = Files.list(dir)) {
      all = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    // The {uuid: entry} shape (README): one field whose value is the entry object.
    List<Path> served = all.stream().filter(p -> {
      try {
        JsonNode n = TREE.readTree(p.toFile());
        return n.size() == 1 && n.elements().next().has("body");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
    assertThat(served).hasSizeGreaterThanOrEqualTo(6);
    return served.stream();
  }

  @ParameterizedTest
  @MethodSource("servedShape")
  void readsWhatATreeReadSeesOnEveryServedFixture(Path file) throws IOException {
    byte[] raw = Files.readAllBytes(file);
    JsonNode root = TREE.readTree(raw);
    String uuid = root.fieldNames().next();
    JsonNode e = root.get(uuid);

    ServedEntry got = ServedEntry.parse(raw);

    assertThat(got.uuid()).isEqualTo(uuid);
    assertThat(got.logIndex()).isEqualTo(e.get("logIndex").asLong());
    assertThat(got.integratedTime()).isEqualTo(OptionalLong.of(e.get("integratedTime").asLong()));
    assertThat(got.body()).isEqualTo(Base64.getDecoder().decode(e.get("body").asText()));
    assertThat(got.bodyError()).isNull();
    JsonNode proof = e.path("verification").path("inclusionProof").path("logIndex");
    assertThat(got.proofLogIndex()).isEqualTo(proof.isMissingNode() ? OptionalLong.empty() : OptionalLong.of(proof.asLong()));

    // Real logs serve canonical base64, so the topic keeps the entry without the body's text: still the same JSON
    // with "body": "" (what the audit reads from it), and the served bytes exactly, once the body is put back.
    assertThat(got.bodyFrom()).isPositive();
    byte[] kept = got.rawForTopic();
    assertThat(got.raw().length - kept.length).isEqualTo(e.get("body").asText().length());
    ObjectNode withoutBody = root.deepCopy();
    ((ObjectNode) withoutBody.get(uuid)).put("body", "");
    assertThat(TREE.readTree(kept)).isEqualTo(withoutBody);
    assertThat(ServedRaw.served(topicRecord(got))).isEqualTo(got.raw());
  }

  /** The entries-topic record of {@code e}, with what ingest publishes of its JSON. */
  static RekorEntry topicRecord(ServedEntry e) {
    return RekorEntry.newBuilder().setLogId("log").setLogType(LogType.REKOR_V1).setLeafIndex(e.logIndex())
        .setLogIndex(e.logIndex()).setUuid(e.uuid()).setBody(ByteBuffer.wrap(e.body()))
        .setRaw(ByteBuffer.wrap(e.rawForTopic())).setRawBodyAt(e.rawBodyAt())
        .setObservedAtMillis(0).build();
  }

  @Test
  void aBodyWhoseServedTextIsNotExactlyItsBase64StaysInTheJson() throws IOException {
    byte[] raw = servedShape().map(ServedEntryTest::read) // one whose body needs padding
        .filter(r -> bodyText(r).endsWith("=")).findFirst().orElseThrow();
    String json = new String(raw, StandardCharsets.UTF_8).strip(); // the object's bytes, as the parser keeps them
    String text = bodyText(raw);
    byte[] body = Base64.getDecoder().decode(text);
    String unpadded = Base64.getEncoder().withoutPadding().encodeToString(body);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int last = alphabet.indexOf(unpadded.charAt(unpadded.length() - 1));
    String spareBits = unpadded.substring(0, unpadded.length() - 1) + alphabet.charAt(last ^ 1) // the lowest bit is spare
        + text.substring(unpadded.length());
    for (String served : List.of(json.replace(text, unpadded), json.replace(text, spareBits),
        json.replace(text, text.replace("/", "\\/")))) {
      if (served.equals(json)) continue; // no '/' to escape in this body
      ServedEntry e = ServedEntry.parse(served.getBytes(StandardCharsets.UTF_8));
      assertThat(e.bodyFrom()).as(served).isEqualTo(-1);
      assertThat(e.rawForTopic()).isEqualTo(served.getBytes(StandardCharsets.UTF_8));
      assertThat(ServedRaw.served(topicRecord(e))).isEqualTo(served.getBytes(StandardCharsets.UTF_8));
    }
    // The JDK decoder reads both the unpadded text and the one with spare bits set, so the body decodes the same.
    assertThat(ServedEntry.parse(json.replace(text, unpadded).getBytes(StandardCharsets.UTF_8)).body()).isEqualTo(body);
  }

  @Test
  void arrayOfServedFixturesKeepsEachObjectsExactBytes() throws IOException {
    List<byte[]> objects = servedShape().map(ServedEntryTest::read).toList();
    ByteArrayOutputStream array = new ByteArrayOutputStream();
    array.write("[ ".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < objects.size(); i++) {
      if (i > 0) array.write(",\n".getBytes(StandardCharsets.UTF_8));
      array.write(objects.get(i));
    }
    array.write(" ]\n".getBytes(StandardCharsets.UTF_8));

    List<ServedEntry> got = ServedEntry.parseArray(array.toByteArray());

    assertThat(got).hasSize(objects.size());
    for (int i = 0; i < objects.size(); i++) {
      String want = new String(objects.get(i), StandardCharsets.UTF_8).strip(); // the file's trailing newline is outside
      assertThat(new String(got.get(i).raw(), StandardCharsets.UTF_8)).isEqualTo(want);
      assertThat(got.get(i).uuid()).isEqualTo(TREE.readTree(objects.get(i)).fieldNames().next());
    }
    assertThat(ServedEntry.parseArray("[]".getBytes(StandardCharsets.UTF_8))).isEmpty();
  }

  @Test
  void malformedArrays() {
    assertThatThrownBy(() -> ServedEntry.parseArray("{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedResponseException.class).hasMessage("retrieve: want a JSON array");
    assertThatThrownBy(() -> ServedEntry.parseArray("[1]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedResponseException.class).hasMessage("retrieve: want objects in the array, got VALUE_NUMBER_INT");
    assertThatThrownBy(() -> ServedEntry.parseArray("[] []".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedResponseException.class).hasMessage("retrieve: trailing data after the array");
    assertThatThrownBy(() -> ServedEntry.parseArray("[{\"a\":{\"logIndex\":1}}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedResponseException.class).hasMessageStartingWith("retrieve: bad JSON");
    assertThatThrownBy(() -> ServedEntry.parse("{\"a\":{\"logIndex\":1}} {}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedResponseException.class).hasMessage("retrieve: trailing data after the entry");
  }

  private static String bodyText(byte[] served) {
    try {
      return TREE.readTree(served).elements().next().get("body").asText();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void entryWithoutInclusionProofHasNoProofIndex() throws IOException {
    byte[] raw = Files.readAllBytes(Path.of(System.getProperty("sigwatch.fixtures"), "rekor-v1", "entries",
        "staging-hashedrekord-logIndex79-no-inclusion-proof.json"));
    JsonNode root = TREE.readTree(raw);
    if (root.size() != 1 || !root.elements().next().has("body")) { // a bare entry: wrap it as served
      ObjectNode w = TREE.createObjectNode();
      w.set(root.path("uuid").asText("ab"), root);
      raw = TREE.writeValueAsBytes(w);
    }
    assertThat(ServedEntry.parse(raw).proofLogIndex()).isEmpty();
    assertThat(ServedEntry.parse(raw).logIndex()).isEqualTo(79);
  }

  @Test
  void mutationsOfAServedFixture() throws IOException {
    byte[] raw = Files.readAllBytes(servedShape().findFirst().orElseThrow());
    ObjectNode root = (ObjectNode) TREE.readTree(raw);
    String uuid = root.fieldNames().next();
    ObjectNode e = (ObjectNode) root.get(uuid);

    ObjectNode two = root.deepCopy();
    two.set("second", e.deepCopy());
    assertThatThrownBy(() -> ServedEntry.parse(TREE.writeValueAsBytes(two)))
        .isInstanceOf(MalformedResponseException.class).hasMessage("retrieve: want {uuid: entry}, got 2 fields");

    assertThatThrownBy(() -> ServedEntry.parse("{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedResponseException.class).hasMessageContaining("got 0 fields");

    ObjectNode noIndex = root.deepCopy();
    ((ObjectNode) noIndex.get(uuid)).put("logIndex", "12");
    assertThatThrownBy(() -> ServedEntry.parse(TREE.writeValueAsBytes(noIndex)))
        .isInstanceOf(MalformedResponseException.class).hasMessage("retrieve: entry " + uuid + " has no logIndex");

    assertThatThrownBy(() -> ServedEntry.parse(java.util.Arrays.copyOf(raw, raw.length / 2)))
        .isInstanceOf(MalformedResponseException.class).hasMessageStartingWith("retrieve: bad JSON");

    ObjectNode numericBody = root.deepCopy();
    ((ObjectNode) numericBody.get(uuid)).put("body", 1234).putNull("integratedTime");
    ServedEntry n = ServedEntry.parse(TREE.writeValueAsBytes(numericBody));
    assertThat(n.body()).isEqualTo(Base64.getDecoder().decode("1234")); // as its text, as a tree read's asText
    assertThat(n.integratedTime()).isEmpty();

    ObjectNode objectBody = root.deepCopy();
    ((ObjectNode) objectBody.get(uuid)).putObject("body").put("logIndex", -5);
    ServedEntry o = ServedEntry.parse(TREE.writeValueAsBytes(objectBody));
    assertThat(o.body()).isEmpty();
    assertThat(o.bodyError()).isNull();
    assertThat(o.logIndex()).isEqualTo(e.get("logIndex").asLong()); // the nested logIndex is not the entry's

    // JSON escapes in the body ("\/" is a legal escape of "/") are unescaped, as a tree read does.
    String escaped = new String(raw, StandardCharsets.UTF_8).replace("/", "\\/");
    assertThat(ServedEntry.parse(escaped.getBytes(StandardCharsets.UTF_8)).body())
        .isEqualTo(Base64.getDecoder().decode(e.get("body").asText()));

    // A unicode escape and an escaped quote: the raw bytes up to the next quote are not the value; the parsed text is.
    String body = new String(TREE.writeValueAsBytes(root), StandardCharsets.UTF_8);
    String quotedBody = TREE.writeValueAsString(e.get("body").asText());
    assertThat(ServedEntry.parse(body.replace(quotedBody, "\"\\u0059WJj\"").getBytes(StandardCharsets.UTF_8)).body())
        .isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
    ServedEntry quote = ServedEntry.parse(body.replace(quotedBody, "\"YWJj\\\"YWJj\"").getBytes(StandardCharsets.UTF_8));
    assertThat(quote.body()).isNull();
    assertThat(quote.bodyError()).startsWith("body is not base64: Illegal base64 character 22");

    // A body that is not base64 rejects that entry (body null, the reason kept), not the response; with and
    // without JSON escapes (the two decoding paths).
    for (String bad : List.of("not base64!", "YWJj\u002d")) {
      String json = new String(TREE.writeValueAsBytes(root), StandardCharsets.UTF_8)
          .replace(TREE.writeValueAsString(e.get("body").asText()), "\"" + bad + "\"");
      ServedEntry b = ServedEntry.parse(json.getBytes(StandardCharsets.UTF_8));
      assertThat(b.body()).as(bad).isNull();
      assertThat(b.bodyError()).as(bad).startsWith("body is not base64: Illegal base64 character");
      assertThat(b.logIndex()).isEqualTo(e.get("logIndex").asLong());
    }

    ObjectNode lastWins = root.deepCopy();
    ((ObjectNode) lastWins.get(uuid)).putObject("verification").putObject("inclusionProof").put("logIndex", 7.9);
    assertThat(ServedEntry.parse(TREE.writeValueAsBytes(lastWins)).proofLogIndex()).isEqualTo(OptionalLong.of(7));
  }
}
