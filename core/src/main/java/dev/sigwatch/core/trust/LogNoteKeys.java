package dev.sigwatch.core.trust;

import dev.sigwatch.core.checkpoint.NoteKey;
import dev.sigwatch.core.checkpoint.NoteKeyType;
import dev.sigwatch.core.checkpoint.NoteSignature;
import dev.sigwatch.core.checkpoint.SignedNote;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the trusted-root log whose key signed a checkpoint note, the way real deployments need: by the key the
 * signature names, never by guessing the key name from the log's URL.
 *
 * <ul>
 *   <li>Rekor v1: origin {@code <hostname> - <tree ID>}, where the hostname is the Rekor server's configured
 *       {@code rekor_server.hostname} (by default the machine's name, often unrelated to the URL in the trusted
 *       root). ECDSA key; the signature's key hint is SHA-256(SPKI)[0:4] = the trusted root's log ID[0:4]. The key
 *       is found by that hint and named as the signature line is; the tree ID is the caller's to check.
 *   <li>Rekor v2: origin = the hostname of the base URL (sigstore-go) unless configured otherwise. Ed25519 key; the
 *       trusted root's log ID is the C2SP key ID SHA-256(origin ‖ "\n" ‖ 0x01 ‖ key), so the log whose log ID the
 *       checkpoint's origin reproduces is the signer, and exactly one {@linkplain #originCandidates candidate name}
 *       reproduces it (see {@link #rekorV2Origin}).
 *   <li>static-ct (C2SP static-ct-api): RFC6962NoteSignature, key ID = SHA-256(origin ‖ "\n" ‖ 0x05 ‖ log ID)[0:4].
 * </ul>
 *
 * Log IDs are taken from the trusted root, never recomputed from keys. Which log a checkpoint was served for (the
 * binding of a signer to a configured log) is the caller's to check. Stateless.
 */
public final class LogNoteKeys {
  private static final Pattern REKOR_V1_ORIGIN = Pattern.compile("(.+) - (\\d+)");

  private LogNoteKeys() {}

  /** A trusted-root log and the note key (named as the note's signature line) that may have signed a note. */
  public record Signer(LogKey log, NoteKey noteKey) {}

  /** The parts of a Rekor v1 origin {@code <hostname> - <tree ID>}. */
  public record RekorV1Origin(String hostname, String treeId) {
    /** @return empty if {@code origin} is not of the form {@code <hostname> - <decimal tree ID>} */
    public static Optional<RekorV1Origin> parse(String origin) {
      Matcher m = REKOR_V1_ORIGIN.matcher(origin);
      return m.matches() ? Optional.of(new RekorV1Origin(m.group(1), m.group(2))) : Optional.empty();
    }
  }

  /**
   * Every trusted Rekor v1 (ECDSA) log whose log ID starts with the key hint of one of the note's signature lines,
   * with the key named as that line (several when a hint collides or a key rotated).
   */
  public static List<Signer> rekorV1(TrustedRoot root, SignedNote note) {
    List<Signer> out = new ArrayList<>();
    for (NoteSignature s : note.signatures()) {
      for (LogKey log : root.tlogs()) {
        if (!log.key().getAlgorithm().equals("EC") || !hintOf(log.logId()).equals(Optional.of(s.keyId()))) continue;
        out.add(new Signer(log, new NoteKey(s.name(), s.keyId(), NoteKeyType.ECDSA_REKOR_V1, log.key())));
      }
    }
    return out;
  }

  /** Every trusted Rekor v2 (Ed25519) log whose log ID is the C2SP key ID of its key under the name {@code origin}. */
  public static List<Signer> rekorV2(TrustedRoot root, String origin) {
    List<Signer> out = new ArrayList<>();
    if (!NoteKey.isValidName(origin)) return out;
    for (LogKey log : root.tlogs()) {
      if (!isEd25519(log)) continue;
      NoteKey k = NoteKey.ed25519(origin, log.key());
      if (MessageDigest.isEqual(c2spId(origin, log), log.logId())) out.add(new Signer(log, k));
    }
    return out;
  }

  /** Every trusted CT log whose RFC 6962 note key under the name {@code origin} has the hint of a signature line. */
  public static List<Signer> staticCt(TrustedRoot root, SignedNote note, String origin) {
    List<Signer> out = new ArrayList<>();
    if (!NoteKey.isValidName(origin)) return out;
    for (LogKey log : root.ctlogs()) {
      NoteKey k = new NoteKey(origin, NoteKey.c2spKeyId(origin, 0x05, log.logId()), NoteKeyType.RFC6962_STH,
          log.key());
      if (note.signatures().stream().anyMatch(s -> s.name().equals(origin) && s.keyId() == k.keyId())) {
        out.add(new Signer(log, k));
      }
    }
    return out;
  }

  /** The signers of a Rekor note of either version: {@link #rekorV1} and {@link #rekorV2} over its origin. */
  public static List<Signer> rekor(TrustedRoot root, SignedNote note, String origin) {
    List<Signer> out = new ArrayList<>(rekorV1(root, note));
    out.addAll(rekorV2(root, origin));
    return out;
  }

  /** The note keys of {@link #rekor} over the note's origin (its first line): what a {@code NoteVerifier} needs. */
  public static List<NoteKey> forNote(TrustedRoot root, SignedNote note) {
    String text = note.text();
    int nl = text.indexOf('\n');
    return rekor(root, note, nl < 0 ? text : text.substring(0, nl)).stream().map(Signer::noteKey).toList();
  }

  /**
   * The names a Rekor v2 log's origin may have, most likely first: the configured one (if any), the hostname of the
   * base URL (sigstore-go), host:port, the URL without scheme.
   */
  public static List<String> originCandidates(String baseUrl, String configured) {
    Set<String> out = new LinkedHashSet<>();
    if (configured != null && !configured.isBlank()) out.add(configured);
    String noScheme = withoutScheme(baseUrl);
    try {
      URI u = URI.create(baseUrl.contains("://") ? baseUrl : "https://" + baseUrl);
      if (u.getHost() != null) {
        out.add(u.getHost());
        if (u.getPort() >= 0) out.add(u.getHost() + ":" + u.getPort());
      }
    } catch (IllegalArgumentException e) {
      // not a URL: only the literal candidates remain
    }
    out.add(noScheme);
    return out.stream().filter(NoteKey::isValidName).toList();
  }

  /**
   * The origin a Rekor v2 log signs under: the one {@linkplain #originCandidates candidate} whose C2SP key ID is the
   * trusted root's log ID.
   *
   * @return empty if no candidate reproduces the log ID (the origin is then unknown until a checkpoint names it)
   */
  public static Optional<String> rekorV2Origin(LogKey log, String configured) {
    if (!isEd25519(log)) return Optional.empty();
    for (String name : originCandidates(log.baseUrl(), configured)) {
      if (MessageDigest.isEqual(c2spId(name, log), log.logId())) return Optional.of(name);
    }
    return Optional.empty();
  }

  /**
   * The note key of one Rekor log as the old convention named it (v1: host of the base URL, v2: URL without
   * scheme); v2 logs sign under {@link #rekorV2Origin} when a candidate reproduces the log ID.
   *
   * @return empty for key types that do not sign Rekor checkpoints (e.g. RSA)
   */
  public static Optional<NoteKey> forLog(LogKey log) {
    Optional<Integer> hint = hintOf(log.logId());
    if (hint.isEmpty()) return Optional.empty();
    if (log.key().getAlgorithm().equals("EC")) {
      return Optional.of(new NoteKey(log.host(), hint.get(), NoteKeyType.ECDSA_REKOR_V1, log.key()));
    }
    if (isEd25519(log)) {
      String name = rekorV2Origin(log, null).orElse(log.urlWithoutScheme());
      return Optional.of(new NoteKey(name, hint.get(), NoteKeyType.ED25519, log.key()));
    }
    return Optional.empty();
  }

  private static boolean isEd25519(LogKey log) {
    String a = log.key().getAlgorithm();
    return a.equals("Ed25519") || a.equals("EdDSA");
  }

  /** The full 32-byte C2SP Ed25519 key ID of the log's key under {@code name}. */
  private static byte[] c2spId(String name, LogKey log) {
    return NoteKey.c2spKeyIdFull(name, 0x01, NoteKey.rawEd25519(log.key()));
  }

  private static Optional<Integer> hintOf(byte[] logId) {
    return logId.length < 4 ? Optional.empty() : Optional.of(ByteBuffer.wrap(logId, 0, 4).getInt());
  }

  private static String withoutScheme(String url) {
    String u = url;
    int scheme = u.indexOf("://");
    if (scheme >= 0) u = u.substring(scheme + 3);
    while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
    return u;
  }
}
