package dev.sigwatch.match.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sigwatch.match.explain.EntryFiles;
import dev.sigwatch.match.topology.SimEntries;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.RekorEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jazzer targets for the match stage's parsers: Rekor v1 bodies of every kind and Rekor v2 bodies (through {@link
 * IdentityEvents#fromRekor}, as the stage calls it), verifier material (PEM/DER certificates and keys, PGP, SSH,
 * minisign) and CT entries. The invariant: identity events or an {@link EntryParseException}, never another
 * exception or error. Without {@code JAZZER_FUZZ} the saved corpus and findings under
 * {@code src/test/resources/.../ParseFuzzTestInputs/<method>} are replayed, and the fixture entries below.
 */
class ParseFuzzTest {
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  @BeforeAll
  static void seed() {
    seed("rekorBody", rekorBodies().stream());
    seed("verifier", certificates().stream());
  }

  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void rekorBody(byte[] body) {
    try {
      assertThat(IdentityEvents.fromRekor(SimEntries.rekorBody(body, 1, AT))).isNotEmpty();
    } catch (EntryParseException expected) {
      // identity events or an EntryParseException
    }
  }

  /** The first byte picks the declared format (or none: sniffed), the rest is the verifier. */
  @FuzzTest(maxDuration = "10m", maxExecutions = 500_000)
  void verifier(byte[] input) {
    if (input.length == 0) {
      return;
    }
    String[] formats = {null, "x509", "pgp", "ssh", "minisign"};
    try {
      Verifiers.decode(java.util.Arrays.copyOfRange(input, 1, input.length), formats[(input[0] & 0xff) % 5]);
    } catch (EntryParseException expected) {
      // a signer or an EntryParseException
    }
  }

  @FuzzTest(maxDuration = "10m", maxExecutions = 300_000)
  void ctEntry(FuzzedDataProvider data) {
    boolean tiled = data.consumeBoolean();
    byte[] leaf = data.consumeBytes(data.consumeInt(0, 8192));
    byte[] rest = data.consumeRemainingAsBytes();
    CtEntry.Builder b = CtEntry.newBuilder().setLogId("ct").setIndex(1).setObservedAtMillis(0)
        .setLogType(tiled ? LogType.STATIC_CT : LogType.CT).setLeafInput(ByteBuffer.wrap(leaf));
    if (tiled) {
      b.setTileLeaf(ByteBuffer.wrap(rest)).setExtraData(ByteBuffer.wrap(new byte[0]));
    } else {
      b.setExtraData(ByteBuffer.wrap(rest));
    }
    try {
      CtEntries.fromCt(b.build());
    } catch (EntryParseException expected) {
      // an identity event or an EntryParseException
    }
  }

  @ParameterizedTest
  @MethodSource("rekorBodies")
  void fixtureBodies(byte[] body) {
    rekorBody(body);
  }

  /** The body of every fixture entry and bundle (Rekor v1 of several kinds, Rekor v2 hashedrekord and dsse). */
  static List<byte[]> rekorBodies() {
    Path fixtures = Path.of(System.getProperty("sigwatch.fixtures", "../shared/fixtures"));
    List<byte[]> out = new ArrayList<>();
    try (Stream<Path> files = Stream.of(fixtures.resolve("rekor-v1/entries"), fixtures.resolve("rekor-v2/entries"),
            fixtures.resolve("bundles")).flatMap(ParseFuzzTest::walk)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (!(n.endsWith("-tlog-entry.json") || f.startsWith(fixtures.resolve("rekor-v1"))
            || n.endsWith(".sigstore.json")) || f.toString().contains("github-private-instance")) {
          continue;
        }
        try {
          for (EntryFiles.Loaded l : EntryFiles.load(f)) {
            if (l instanceof EntryFiles.Rekor r) {
              out.add(bytes(r.entry()));
            }
          }
        } catch (EntryParseException | IOException e) {
          // not an entry shape EntryFiles reads (e.g. a bundle without a tlog entry): no seed
        }
      }
    }
    return out;
  }

  /** The fixture certificates (PEM and DER), each prefixed with 0 (format sniffed). */
  static List<byte[]> certificates() {
    Path fixtures = Path.of(System.getProperty("sigwatch.fixtures", "../shared/fixtures"));
    return walk(fixtures.resolve("certs")).filter(p -> !p.toString().endsWith(".json")).map(p -> {
      try {
        byte[] c = Files.readAllBytes(p);
        byte[] out = new byte[c.length + 1];
        System.arraycopy(c, 0, out, 1, c.length);
        return out;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).toList();
  }

  @ParameterizedTest
  @MethodSource("certificates")
  void fixtureVerifiers(byte[] input) {
    verifier(input);
  }

  private static Stream<Path> walk(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(RekorEntry e) {
    ByteBuffer b = e.getBody().duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  /** Writes seeds into Jazzer's generated corpus ({@code .cifuzz-corpus}, git-ignored) when fuzzing. */
  private static void seed(String method, Stream<byte[]> inputs) {
    String fuzz = System.getenv("JAZZER_FUZZ");
    if (fuzz == null || fuzz.isEmpty()) {
      return;
    }
    Path dir = Path.of(".cifuzz-corpus", ParseFuzzTest.class.getName(), method);
    try {
      Files.createDirectories(dir);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] in : (Iterable<byte[]>) inputs::iterator) {
        Files.write(dir.resolve("seed-" + HexFormat.of().formatHex(sha.digest(in))), in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
