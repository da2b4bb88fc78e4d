package dev.sigwatch.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sigwatch demo} as a new user runs it: the packaged jar, offline, against its own simulator. Every staged
 * event must come out as the alert the demo announced.
 */
class DemoIT {
  private static final Pattern TYPE = Pattern.compile("\"type\":\"([A-Z_]+)\"");

  @Test
  void demoRunsOfflineNarratesAndRaisesTheAnnouncedAlerts(@TempDir Path dir) throws Exception {
    Path jar = Path.of(System.getProperty("sigwatch.jar", "target/sigwatch.jar")).toAbsolutePath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path out = dir.resolve("out.jsonl");
    Path err = dir.resolve("err.txt");
    Process p = new ProcessBuilder(java, "-jar", jar.toString(), "demo", "--duration", "PT75S", "--step", "PT5S",
        "--data-dir", dir.resolve("data").toString())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(270, TimeUnit.SECONDS)).as("demo stops after --duration").isTrue(); // under the 5 m test timeout
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(stderr).isZero();

    assertThat(stderr).contains("demo: starting a simulated Sigstore instance")
        .contains("demo: watching ops@acme.example")
        .contains("expect IDENTITY_MATCH").contains("expect LOOKALIKE").contains("sigwatch demo: stopped");
    List<String> alerts = Files.readAllLines(out, StandardCharsets.UTF_8);
    List<String> types = alerts.stream().map(DemoIT::type).toList();
    assertThat(types).as("alerts on stdout:%n%s", String.join("\n", alerts))
        .contains("IDENTITY_MATCH", "LOOKALIKE", "MALFORMED_ENTRY");
    assertThat(alerts.stream().filter(a -> type(a).equals("IDENTITY_MATCH")).map(DemoIT::identity)
        .collect(Collectors.toSet()))
        .contains("ops@acme.example", "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main");
    assertThat(alerts).filteredOn(a -> type(a).equals("LOOKALIKE")).allSatisfy(a -> assertThat(a).contains("ops@acme.example"));
    // the announced verdict, not another one: the other view is not a prefix of the verified tree (issue 11)
    assertThat(types).as("the staged split view is a SPLIT_VIEW alert").contains("SPLIT_VIEW");
    assertThat(types).as("no alert the demo did not stage")
        .allMatch(t -> List.of("IDENTITY_MATCH", "LOOKALIKE", "MALFORMED_ENTRY", "SPLIT_VIEW",
            "UNUSED_CERTIFICATE").contains(t));
  }

  private static String type(String line) {
    Matcher m = TYPE.matcher(line);
    return m.find() ? m.group(1) : "";
  }

  private static String identity(String line) {
    Matcher m = Pattern.compile("\"identity\":\"([^\"]+)\"").matcher(line);
    return m.find() ? m.group(1).replace("\\/", "/") : "";
  }

}
