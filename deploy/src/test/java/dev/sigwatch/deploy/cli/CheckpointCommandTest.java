package dev.sigwatch.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckpointCommandTest {
  private static final String WITNESSED =
      "rekor-v2/checkpoints/staging-log2025-alpha3-size4026479-witness-cosigned.txt";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private static String fx(String rel) {
    return Path.of(System.getProperty("sigwatch.fixtures")).resolve(rel).toString();
  }

  private int run(String... args) {
    CommandLine cl = new CommandLine(new CheckpointCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void verifiesRekorV1Checkpoint() {
    int code = run("verify", "--trusted-root", fx("trust/production/trusted_root.json"),
        fx("rekor-v1/checkpoints/prod-rekor.sigstore.dev-tree1193050959916656506-size2953833797.txt"));
    String root = java.util.HexFormat.of().formatHex(
        Base64.getDecoder().decode("Z2toLEaqCEwniZ8XEH6NBZn0z7la5/UusE9xi91x0qI="));
    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo(String.join(System.lineSeparator(),
        "origin: rekor.sigstore.dev - 1193050959916656506",
        "size:   2953833797",
        "root:   " + root,
        "log signature verified: rekor.sigstore.dev+c0d23d6a (ECDSA_REKOR_V1)",
        "valid", ""));
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void verifiesWitnessCosignatures() {
    int code = run("verify", "--trusted-root", fx("trust/staging/trusted_root.json"),
        "--witnesses", fx("rekor-v2/checkpoints/staging-witness-vkeys.txt"), fx(WITNESSED));
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("log signature verified: log2025-alpha3.rekor.sigstage.dev+d3d3a70c (ED25519)")
        .contains("witness cosignature verified: witness.stagemole.eu+67f7aea0 at 2026-05-13T")
        .contains("witness cosignature verified: staging.witness.transparency.goog/ring-any-bells+2e1a8dc9 at ")
        .contains("witness cosignature verified: witness.navigli.sunlight.geomys.org+a3e00fe2 at ")
        .contains("witnesses: 3 of 4 known witness key(s) cosigned")
        .endsWith("valid" + System.lineSeparator());
  }

  @Test
  void withoutWitnessKeysTheirLinesAreIgnored() {
    int code = run("verify", "--trusted-root", fx("trust/staging/trusted_root.json"), fx(WITNESSED));
    assertThat(code).isZero();
    assertThat(out.toString()).contains("ignored signature from unknown key: witness.stagemole.eu+67f7aea0");
  }

  @Test
  void rejectsMutatedCheckpoint(@TempDir Path dir) throws Exception {
    String note = Files.readString(Path.of(fx("rekor-v2/checkpoints/prod-log2025-1.rekor.sigstore.dev-size4855115.txt")));
    Path mutated = dir.resolve("cp.txt");
    Files.writeString(mutated, note.replace("\n4855115\n", "\n4855116\n"));
    int code = run("verify", "--trusted-root", fx("trust/production/trusted_root.json"), mutated.toString());
    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("size:   4855116");
    assertThat(err.toString()).isEqualTo(
        "invalid: bad signature from key log2025-1.rekor.sigstore.dev+cf119915" + System.lineSeparator());
  }

  @Test
  void rejectsCheckpointOfAnUntrustedLog() {
    int code = run("verify", "--trusted-root", fx("trust/production/trusted_root.pre-rekor-v2.json"),
        fx("rekor-v2/checkpoints/prod-log2025-1.rekor.sigstore.dev-size4855115.txt"));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("invalid: no Rekor log of ")
        .contains("has the key of a signature line [log2025-1.rekor.sigstore.dev+")
        .contains("key ID over origin \"log2025-1.rekor.sigstore.dev\"");
  }

  @Test
  void usageErrors(@TempDir Path dir) {
    assertThat(run("verify", fx(WITNESSED))).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--trusted-root=FILE'");
    assertThat(run("verify", "--trusted-root", dir.resolve("missing.json").toString(), fx(WITNESSED))).isEqualTo(2);
    assertThat(err.toString()).contains("error: reading trusted root ");
  }

  @Test
  void helpExplainsItself() {
    assertThat(run("verify", "--help")).isZero();
    assertThat(out.toString())
        .contains("Usage: checkpoint verify [-hV] --trusted-root=FILE [--witnesses=FILE]")
        .contains("CHECKPOINT_FILE")
        .contains("Exit codes:")
        .contains("1   checkpoint is invalid");
  }
}
