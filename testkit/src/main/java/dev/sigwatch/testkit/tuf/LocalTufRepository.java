package dev.sigwatch.testkit.tuf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.sigstore.json.canonicalizer.JsonCanonicalizer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real TUF repository on loopback, for tests and the offline demo: its own Ed25519 keys for the root, targets,
 * snapshot and timestamp roles, metadata signed over canonical JSON (RFC 8785, as TUF clients verify it), consistent
 * snapshots ({@code N.root.json}, {@code N.snapshot.json}, {@code N.targets.json},
 * {@code targets/<sha256>.<name>}) and a {@code timestamp.json}, served over HTTP.
 *
 * <p>{@link #publish} puts new targets out (a new targets, snapshot and timestamp version); {@link #rotateRoot} issues
 * a new root version with new root and targets keys, signed by the old and the new root key, as TUF requires;
 * {@link #stop} takes the server away and {@link #restart} brings it back on the same port. Thread-safe.
 */
public final class LocalTufRepository implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Instant expires = Instant.now().plus(365, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
  private KeyPair rootKey = ed25519();
  private KeyPair targetsKey = ed25519();
  private final KeyPair snapshotKey = ed25519();
  private final KeyPair timestampKey = ed25519();
  private int rootVersion;
  private int targetsVersion;
  private int snapshotVersion;
  private int timestampVersion;
  private Map<String, byte[]> targets = Map.of();
  private int port;
  private HttpServer server;

  private LocalTufRepository() {}

  /** A repository with {@code targets} (name → bytes) as version 1, served on a free loopback port. */
  public static LocalTufRepository start(Map<String, byte[]> targets) {
    LocalTufRepository r = new LocalTufRepository();
    synchronized (r) {
      r.writeRoot(null);
      r.publish(targets);
      r.serve(0);
    }
    return r;
  }

  /** The mirror URL (metadata at its root, targets under {@code targets/}). */
  public synchronized URI mirror() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** {@code 1.root.json}: what a client trusts on first use. */
  public byte[] initialRoot() {
    return files.get("1.root.json").clone();
  }

  /** Writes {@link #initialRoot()} to {@code file}. */
  public Path writeInitialRoot(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return Files.write(file, initialRoot());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized int rootVersion() {
    return rootVersion;
  }

  public synchronized int targetsVersion() {
    return targetsVersion;
  }

  /** Replaces the targets: a new targets, snapshot and timestamp version. */
  public synchronized void publish(Map<String, byte[]> newTargets) {
    targets = Map.copyOf(newTargets);
    for (Map.Entry<String, byte[]> t : targets.entrySet()) {
      files.put("targets/" + HEX.formatHex(sha256(t.getValue())) + "." + t.getKey(), t.getValue().clone());
    }
    ObjectNode signed = meta("targets", ++targetsVersion);
    ObjectNode list = signed.putObject("targets");
    for (Map.Entry<String, byte[]> t : targets.entrySet()) {
      ObjectNode d = list.putObject(t.getKey());
      d.put("length", t.getValue().length);
      d.putObject("hashes").put("sha256", HEX.formatHex(sha256(t.getValue())));
    }
    byte[] targetsJson = sign(signed, List.of(targetsKey));
    files.put(targetsVersion + ".targets.json", targetsJson);
    snapshotAndTimestamp(targetsJson);
  }

  /** Adds or replaces one target, keeping the others. */
  public synchronized void put(String name, byte[] bytes) {
    Map<String, byte[]> m = new LinkedHashMap<>(targets);
    m.put(name, bytes);
    publish(m);
  }

  /**
   * A new root version with new root and targets keys, signed by the old and the new root key; the current targets
   * are signed again with the new targets key (a client that followed the rotation accepts only those).
   */
  public synchronized void rotateRoot() {
    KeyPair oldRoot = rootKey;
    rootKey = ed25519();
    targetsKey = ed25519();
    writeRoot(oldRoot);
    publish(targets);
  }

  private void writeRoot(KeyPair previous) {
    ObjectNode signed = meta("root", ++rootVersion);
    signed.put("consistent_snapshot", true);
    ObjectNode keys = signed.putObject("keys");
    ObjectNode roles = signed.putObject("roles");
    role(keys, roles, "root", rootKey);
    role(keys, roles, "targets", targetsKey);
    role(keys, roles, "snapshot", snapshotKey);
    role(keys, roles, "timestamp", timestampKey);
    files.put(rootVersion + ".root.json", sign(signed, previous == null ? List.of(rootKey) : List.of(previous, rootKey)));
  }

  private void snapshotAndTimestamp(byte[] targetsJson) {
    ObjectNode snap = meta("snapshot", ++snapshotVersion);
    ObjectNode t = snap.putObject("meta").putObject("targets.json");
    t.put("version", targetsVersion);
    t.put("length", targetsJson.length);
    t.putObject("hashes").put("sha256", HEX.formatHex(sha256(targetsJson)));
    byte[] snapJson = sign(snap, List.of(snapshotKey));
    files.put(snapshotVersion + ".snapshot.json", snapJson);
    ObjectNode ts = meta("timestamp", ++timestampVersion);
    ObjectNode s = ts.putObject("meta").putObject("snapshot.json");
    s.put("version", snapshotVersion);
    s.put("length", snapJson.length);
    s.putObject("hashes").put("sha256", HEX.formatHex(sha256(snapJson)));
    files.put("timestamp.json", sign(ts, List.of(timestampKey)));
  }

  private ObjectNode meta(String type, int version) {
    ObjectNode n = JSON.createObjectNode();
    n.put("_type", type);
    n.put("spec_version", "1.0");
    n.put("version", version);
    n.put("expires", expires.toString());
    return n;
  }

  private static void role(ObjectNode keys, ObjectNode roles, String name, KeyPair key) {
    ObjectNode k = JSON.createObjectNode();
    k.put("keytype", "ed25519");
    k.put("scheme", "ed25519");
    k.putArray("keyid_hash_algorithms").add("sha256").add("sha512");
    k.putObject("keyval").put("public", HEX.formatHex(rawPublic(key)));
    String id = keyId(k);
    keys.set(id, k);
    ObjectNode r = roles.putObject(name);
    r.putArray("keyids").add(id);
    r.put("threshold", 1);
  }

  /** TUF key ID: SHA-256 of the key object's canonical JSON. */
  private static String keyId(ObjectNode key) {
    return HEX.formatHex(sha256(canonical(key)));
  }

  private static byte[] sign(ObjectNode signed, List<KeyPair> keys) {
    byte[] bytes = canonical(signed);
    ObjectNode envelope = JSON.createObjectNode();
    ArrayNode sigs = envelope.putArray("signatures");
    for (KeyPair k : keys) {
      ObjectNode kn = JSON.createObjectNode();
      kn.put("keytype", "ed25519");
      kn.put("scheme", "ed25519");
      kn.putArray("keyid_hash_algorithms").add("sha256").add("sha512");
      kn.putObject("keyval").put("public", HEX.formatHex(rawPublic(k)));
      try {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(k.getPrivate());
        s.update(bytes);
        sigs.addObject().put("keyid", keyId(kn)).put("sig", HEX.formatHex(s.sign()));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("Ed25519 is required of every JDK 15+", e);
      }
    }
    envelope.set("signed", signed);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(envelope);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] canonical(ObjectNode n) {
    try {
      return new JsonCanonicalizer(JSON.writeValueAsString(n)).getEncodedUTF8();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] rawPublic(KeyPair k) {
    byte[] spki = k.getPublic().getEncoded(); // 12-byte Ed25519 SPKI prefix + 32-byte key
    return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
  }

  private static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void serve(int onPort) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("starting the TUF repository server", e);
    }
    server.createContext("/", ex -> {
      try (ex) {
        byte[] body = files.get(ex.getRequestURI().getPath().substring(1));
        if (body == null) {
          ex.sendResponseHeaders(404, -1);
          return;
        }
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    });
    server.start();
    port = server.getAddress().getPort();
  }

  /** Takes the server away (connections are refused) until {@link #restart}. */
  public synchronized void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  /** Serves again on the same port. */
  public synchronized void restart() {
    if (server == null) serve(port);
  }

  @Override
  public void close() {
    stop();
  }

  /** Bytes as UTF-8, for targets written as strings. */
  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
