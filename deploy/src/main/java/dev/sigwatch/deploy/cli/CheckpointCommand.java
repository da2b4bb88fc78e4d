package dev.sigwatch.deploy.cli;

import dev.sigwatch.core.checkpoint.Checkpoint;
import dev.sigwatch.core.checkpoint.NoteFormatException;
import dev.sigwatch.core.checkpoint.NoteKey;
import dev.sigwatch.core.checkpoint.NoteKeyType;
import dev.sigwatch.core.checkpoint.NoteSignature;
import dev.sigwatch.core.checkpoint.NoteVerificationException;
import dev.sigwatch.core.checkpoint.NoteVerifier;
import dev.sigwatch.core.checkpoint.SignedNote;
import dev.sigwatch.core.checkpoint.VerificationResult;
import dev.sigwatch.core.checkpoint.VerifiedSignature;
import dev.sigwatch.core.trust.LogNoteKeys;
import dev.sigwatch.core.trust.TrustException;
import dev.sigwatch.core.trust.TrustedRoot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sigwatch checkpoint verify}: check a signed checkpoint against a trusted root, by hand. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
    description = "Work with signed transparency-log checkpoints (C2SP signed notes).",
    subcommands = CheckpointCommand.Verify.class)
public final class CheckpointCommand implements Runnable {
  /** Exit codes of {@code verify}. */
  static final int VALID = 0;
  static final int INVALID = 1;
  static final int USAGE = 2;

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {
          "Verify a Rekor checkpoint (v1 ECDSA or v2 Ed25519) with the log keys of a trusted root,",
          "and the witness cosignatures (cosignature/v1) of the witnesses given.",
          "Prints origin, size, root hash, and which log key and witnesses verified it.",
          "Signatures from other keys are ignored; a bad signature from a known key fails."},
      exitCodeListHeading = "Exit codes:%n",
      exitCodeList = {"0:checkpoint is valid", "1:checkpoint is invalid (the reason is printed)",
          "2:usage error (bad option, unreadable file)"})
  static final class Verify implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--trusted-root", required = true, paramLabel = "FILE",
        description = "Sigstore trusted_root.json whose Rekor logs (tlogs) sign the checkpoint.")
    Path trustedRoot;

    @Option(names = "--witnesses", paramLabel = "FILE",
        description = "Witness verifier keys, one C2SP vkey (name+keyid+base64) per line.")
    Path witnesses;

    @Parameters(paramLabel = "CHECKPOINT_FILE", description = "The signed checkpoint, as served by the log.")
    Path checkpointFile;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      TrustedRoot root;
      List<NoteKey> witnessKeys;
      byte[] raw;
      try {
        root = TrustedRoot.load(trustedRoot);
        witnessKeys = witnesses == null ? List.of() : readVkeys(witnesses);
        raw = readCapped(checkpointFile);
      } catch (TrustException | NoteFormatException | IOException e) {
        err.println("error: " + e.getMessage());
        return USAGE;
      }
      SignedNote note;
      Checkpoint cp;
      try {
        note = SignedNote.parse(raw);
        cp = Checkpoint.from(note);
      } catch (NoteFormatException e) {
        err.println("invalid: " + e.getMessage());
        return INVALID;
      }
      out.println("origin: " + cp.origin());
      out.println("size:   " + cp.size());
      out.println("root:   " + cp.rootHashHex());
      List<NoteKey> logKeys = LogNoteKeys.forNote(root, note);
      if (logKeys.isEmpty()) {
        err.println("invalid: no Rekor log of " + trustedRoot + " has the key of a signature line "
            + note.signatures().stream().map(s -> s.name() + "+" + s.keyIdHex()).toList()
            + " (Rekor v1: key hint = SHA-256(SPKI)[0:4]; Rekor v2: log ID = key ID over origin \"" + cp.origin() + "\")");
        return INVALID;
      }
      // A vkeys file may list the log's own key too: the trusted root's wins.
      Map<String, NoteKey> keys = new LinkedHashMap<>();
      logKeys.forEach(k -> keys.put(k.id(), k));
      witnessKeys.forEach(k -> keys.putIfAbsent(k.id(), k));
      VerificationResult result;
      try {
        result = new NoteVerifier(keys.values()).verify(note);
      } catch (NoteVerificationException e) {
        err.println("invalid: " + e.getMessage());
        return INVALID;
      }
      List<VerifiedSignature> logSigs = new ArrayList<>();
      List<VerifiedSignature> witnessSigs = new ArrayList<>();
      for (VerifiedSignature v : result.verified()) {
        (logKeys.contains(v.key()) ? logSigs : witnessSigs).add(v);
      }
      if (logSigs.isEmpty()) {
        err.println("invalid: no signature from the log's key; want one of "
            + logKeys.stream().map(NoteKey::id).collect(Collectors.joining(", ")));
        return INVALID;
      }
      for (VerifiedSignature v : logSigs) {
        out.println("log signature verified: " + v.key().id() + " (" + v.key().type() + ")");
      }
      for (VerifiedSignature v : witnessSigs) {
        String at = v.key().type() == NoteKeyType.COSIGNATURE_V1 && v.timestamp().isPresent()
            ? " at " + Instant.ofEpochSecond(v.timestamp().getAsLong()) : "";
        out.println("witness cosignature verified: " + v.key().id() + at);
      }
      if (witnesses != null) {
        out.println("witnesses: " + witnessSigs.size() + " of " + witnessKeys.size() + " known witness key(s) cosigned");
      }
      for (NoteSignature s : result.ignored()) {
        out.println("ignored signature from unknown key: " + s.name() + "+" + s.keyIdHex());
      }
      out.println("valid");
      return VALID;
    }

    private static List<NoteKey> readVkeys(Path file) throws IOException, NoteFormatException {
      List<NoteKey> keys = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank() && !line.startsWith("#")) {
          keys.add(NoteKey.parseVkey(line));
        }
      }
      return keys;
    }

    /** Reads at most {@link SignedNote#MAX_NOTE_BYTES} + 1 bytes, so a huge file is not loaded whole. */
    private static byte[] readCapped(Path file) throws IOException {
      try (var in = Files.newInputStream(file)) {
        return in.readNBytes(SignedNote.MAX_NOTE_BYTES + 1);
      }
    }
  }
}
