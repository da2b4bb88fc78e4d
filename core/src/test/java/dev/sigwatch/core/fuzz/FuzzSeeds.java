package dev.sigwatch.core.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Seeds a Jazzer fuzz test's generated corpus ({@code .cifuzz-corpus/<class>/<method>} in the module directory,
 * git-ignored) from {@code ../shared/fixtures} when fuzzing ({@code JAZZER_FUZZ} set); a no-op in regression mode,
 * where each fuzz class replays the fixtures through a plain parameterized test instead. The fixtures are
 * read in place, never copied into the repository (their README asks for that).
 */
public final class FuzzSeeds {
  /**
   * Time ceiling of one fuzzing run of one target; each target's execution budget is its {@code
   * maxExecutions} (README "Fuzzing" lists what was run).
   */
  public static final String MAX_DURATION = "10m";

  private FuzzSeeds() {}

  /** Every file under {@code fixtures/<relative>} whose name ends with {@code suffix}, sorted. */
  public static Stream<Path> files(String relative, String suffix) {
    try (Stream<Path> s = Files.walk(fixtures().resolve(relative))) {
      return s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(suffix))
          .sorted().toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bytes of {@code file}. */
  public static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True when Jazzer fuzzes rather than replays. */
  public static boolean fuzzing() {
    String v = System.getenv("JAZZER_FUZZ");
    return v != null && !v.isEmpty();
  }

  /** The fixtures directory (system property {@code sigwatch.fixtures}, set by the parent pom). */
  public static Path fixtures() {
    return Path.of(System.getProperty("sigwatch.fixtures", "../shared/fixtures"));
  }

  /** Writes {@code inputs} as seed files of {@code testClass#method}, named by their SHA-256, when fuzzing. */
  public static void write(Class<?> testClass, String method, Stream<byte[]> inputs) {
    if (!fuzzing()) {
      return;
    }
    Path dir = Path.of(".cifuzz-corpus", testClass.getName(), method);
    try {
      Files.createDirectories(dir);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] in : (Iterable<byte[]>) inputs::iterator) {
        Files.write(dir.resolve("seed-" + HexFormat.of().formatHex(sha.digest(in))), in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
