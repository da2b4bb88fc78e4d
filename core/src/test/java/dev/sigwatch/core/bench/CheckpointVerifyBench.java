package dev.sigwatch.core.bench;

import dev.sigwatch.core.checkpoint.NoteKey;
import dev.sigwatch.core.checkpoint.NoteVerifier;
import dev.sigwatch.core.checkpoint.SignedNote;
import dev.sigwatch.core.checkpoint.VerifiedCheckpoint;
import dev.sigwatch.core.trust.LogNoteKeys;
import dev.sigwatch.core.trust.TrustedRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Parse + verify of real checkpoints: Rekor v1 (ECDSA P-256), Rekor v2 (Ed25519), and a Rekor v2
 * checkpoint with three witness cosignatures (four Ed25519 verifications).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CheckpointVerifyBench {
  private String v1Note;
  private NoteVerifier v1;
  private String v2Note;
  private NoteVerifier v2;
  private String witnessedNote;
  private NoteVerifier witnessed;

  @Setup
  public void setUp() throws Exception {
    Path fx = fixtures();
    TrustedRoot prod = TrustedRoot.load(fx.resolve("trust/production/trusted_root.json"));
    v1Note = Files.readString(fx.resolve(
        "rekor-v1/checkpoints/prod-rekor.sigstore.dev-tree1193050959916656506-size2953833797.txt"));
    v1 = new NoteVerifier(LogNoteKeys.forNote(prod, SignedNote.parse(v1Note)));
    v2Note = Files.readString(fx.resolve("rekor-v2/checkpoints/prod-log2025-1.rekor.sigstore.dev-size4855115.txt"));
    v2 = new NoteVerifier(LogNoteKeys.forNote(prod, SignedNote.parse(v2Note)));
    witnessedNote = Files.readString(fx.resolve(
        "rekor-v2/checkpoints/staging-log2025-alpha3-size4026479-witness-cosigned.txt"));
    List<NoteKey> keys = new ArrayList<>();
    for (String l : Files.readAllLines(fx.resolve("rekor-v2/checkpoints/staging-witness-vkeys.txt"), StandardCharsets.UTF_8)) {
      if (!l.isBlank()) {
        keys.add(NoteKey.parseVkey(l));
      }
    }
    witnessed = new NoteVerifier(keys);
    // Fail fast rather than measure exceptions.
    v1Ecdsa();
    v2Ed25519();
    v2WithThreeWitnesses();
  }


  /** The fixtures folder: the system property, else ../shared/fixtures seen from the repo or a module. */
  private static Path fixtures() {
    String p = System.getProperty("sigwatch.fixtures");
    if (p != null) {
      return Path.of(p);
    }
    for (String c : List.of("../shared/fixtures", "../../shared/fixtures")) {
      if (Files.isDirectory(Path.of(c))) {
        return Path.of(c);
      }
    }
    throw new IllegalStateException("set -Dsigwatch.fixtures to the shared fixtures folder");
  }

  @Benchmark
  public VerifiedCheckpoint v1Ecdsa() throws Exception {
    return v1.verifyCheckpoint(v1Note);
  }

  @Benchmark
  public VerifiedCheckpoint v2Ed25519() throws Exception {
    return v2.verifyCheckpoint(v2Note);
  }

  @Benchmark
  public VerifiedCheckpoint v2WithThreeWitnesses() throws Exception {
    return witnessed.verifyCheckpoint(witnessedNote);
  }
}
