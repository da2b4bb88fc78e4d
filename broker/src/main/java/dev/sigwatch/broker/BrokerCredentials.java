package dev.sigwatch.broker;

import dev.sigwatch.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secrets of a SASL-secured {@link EmbeddedKafkaBroker}, kept in its data directory in files only the owner can
 * read (mode 0600, the directory 0700):
 *
 * <ul>
 *   <li>{@value #CLIENT_FILE}: ready-to-use Kafka client settings ({@code bootstrap.servers},
 *       {@code security.protocol=SASL_PLAINTEXT}, {@code sasl.mechanism=SCRAM-SHA-512}, {@code sasl.jaas.config}
 *       with the user {@value #CLIENT_USER} and its password). Every sigwatch client of the embedded broker uses
 *       it, and so can an external tool ({@code kafka-console-consumer.sh --consumer.config ...}).</li>
 *   <li>{@value #BROKER_FILE}: the password of the broker's own listeners (controller and inter-broker, SASL/PLAIN),
 *       never needed by a client.</li>
 * </ul>
 * Passwords are 256 random bits, generated once and reused across restarts: the SCRAM credential lives in the
 * broker's metadata log, so a new password would not match it.
 */
final class BrokerCredentials {
  static final String CLIENT_FILE = "client.properties";
  static final String BROKER_FILE = "broker-secret.properties";
  static final String CLIENT_USER = "sigwatch";
  static final String BROKER_USER = "broker";
  static final String MECHANISM = "SCRAM-SHA-512";
  /** SCRAM iterations: twice Kafka's minimum (4096); the cost is paid once per connection. */
  static final int ITERATIONS = 8192;
  private static final Pattern JAAS_PASSWORD = Pattern.compile("password=\"([^\"]*)\"");
  private static final SecureRandom RANDOM = new SecureRandom();

  private BrokerCredentials() {
  }

  /** A fresh password: 32 random bytes, base64url without padding (no quote, comma or '=' to escape). */
  static String newPassword() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The client user's password from {@value #CLIENT_FILE} in {@code dir}, if that file exists. */
  static Optional<String> clientPassword(Path dir) throws IOException {
    Optional<Map<String, String>> p = clientProperties(dir);
    if (p.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = JAAS_PASSWORD.matcher(p.get().getOrDefault("sasl.jaas.config", ""));
    if (!m.find()) {
      throw new IOException(dir.resolve(CLIENT_FILE) + " has no password in sasl.jaas.config; delete the file and "
          + "the broker's data to start over");
    }
    return Optional.of(m.group(1));
  }

  /** The settings of {@value #CLIENT_FILE} in {@code dir}; empty when the file does not exist. */
  static Optional<Map<String, String>> clientProperties(Path dir) throws IOException {
    Path file = dir.resolve(CLIENT_FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    return Optional.of(read(file));
  }

  /** The broker's own password, generated and written (0600) on first use. */
  static String brokerPassword(Path dir) throws IOException {
    Path file = dir.resolve(BROKER_FILE);
    if (Files.isRegularFile(file)) {
      String p = read(file).get("password");
      if (p == null || p.isBlank()) {
        throw new IOException(file + " has no 'password'");
      }
      return p;
    }
    String p = newPassword();
    writeSecret(file, Map.of("password", p), "sigwatch embedded broker: password of its controller and "
        + "inter-broker listeners (SASL/PLAIN, loopback). Not for clients: see " + CLIENT_FILE);
    return p;
  }

  /** Client settings for {@code bootstrap} with the SCRAM user and {@code password}. */
  static Map<String, String> clientSettings(String bootstrap, String password) {
    Map<String, String> c = new HashMap<>();
    c.put("bootstrap.servers", bootstrap);
    c.put("security.protocol", "SASL_PLAINTEXT");
    c.put("sasl.mechanism", MECHANISM);
    c.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + CLIENT_USER + "\" password=\"" + password + "\";");
    return c;
  }

  /** Settings of a client of the broker's own SASL/PLAIN listeners (used to create the SCRAM user). */
  static Map<String, String> brokerClientSettings(String bootstrap, String brokerPassword) {
    Map<String, String> c = new HashMap<>();
    c.put("bootstrap.servers", bootstrap);
    c.put("security.protocol", "SASL_PLAINTEXT");
    c.put("sasl.mechanism", "PLAIN");
    c.put("sasl.jaas.config", plainJaas(brokerPassword, false));
    return c;
  }

  /** JAAS of a SASL/PLAIN listener: the broker's own login, and with {@code server} the one user it accepts. */
  static String plainJaas(String brokerPassword, boolean server) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + BROKER_USER
        + "\" password=\"" + brokerPassword + "\"" + (server ? " user_" + BROKER_USER + "=\"" + brokerPassword + "\""
        : "") + ";";
  }

  static void writeClientFile(Path dir, Map<String, String> settings) throws IOException {
    writeSecret(dir.resolve(CLIENT_FILE), settings, "sigwatch embedded broker: Kafka client settings "
        + "(SASL/SCRAM, loopback). Use with any Kafka client, e.g. kafka-console-consumer.sh --consumer.config <this>");
  }

  /** Restricts {@code dir} to its owner (0700) where the file system has POSIX permissions. */
  static void restrictDirectory(Path dir) throws IOException {
    if (posix()) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** Writes {@code values} to {@code file} atomically; the file is 0600 from its creation on. */
  static void writeSecret(Path file, Map<String, String> values, String comment) throws IOException {
    // Written by hand rather than with Properties.store, which would escape every '=' and ':' of the JAAS line: the
    // values are ASCII without backslashes or line breaks, so each line reads back as written.
    StringBuilder text = new StringBuilder("# ").append(comment).append('\n');
    new TreeMap<>(values).forEach((k, v) -> {
      if (v.indexOf('\\') >= 0 || v.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("value of " + k + " needs escaping");
      }
      text.append(k).append('=').append(v).append('\n');
    });
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (posix()) {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, text.toString(), StandardCharsets.ISO_8859_1);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static Map<String, String> read(Path file) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    Map<String, String> m = new HashMap<>();
    p.forEach((k, v) -> m.put((String) k, (String) v));
    return m;
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
