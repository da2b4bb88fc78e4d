package dev.sigwatch.alert.sink.email;

import dev.sigwatch.alert.sink.Secret;
import dev.sigwatch.alert.sink.Sink;
import dev.sigwatch.alert.sink.SinkContext;
import dev.sigwatch.alert.sink.SinkException;
import dev.sigwatch.alert.sink.SinkMessage;
import dev.sigwatch.alert.sink.SinkOptions;
import dev.sigwatch.schemas.Alert;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeMap;

/**
 * E-mail over SMTP with Angus Mail (Jakarta Mail): one mail per alert, or with {@code digest: PT15M} one mail per
 * period listing everything that arrived in it (held uncommitted until sent, so a crash loses none).
 *
 * <p>The idempotency key is the mail's {@code Message-ID} ({@code <key@sigwatch>}), so a repeat after a crash is the
 * same message to mail systems and archives; updates reply to their alert's mail ({@code In-Reply-To}) and thread
 * under it. {@code X-Sigwatch-Idempotency-Key} carries the key too. Security: {@code starttls} (required, not
 * opportunistic), {@code tls} (implicit, port 465) or {@code none}; the server's certificate and name are checked.
 */
public final class EmailSink implements Sink {
  private final Session session;
  private final String protocol;
  private final String host;
  private final int port;
  private final String username;
  private final Secret password;
  private final InternetAddress from;
  private final InternetAddress[] to;
  private final String subjectPrefix;
  private final Duration digest;
  private final SinkContext ctx;

  private EmailSink(Session session, String protocol, String host, int port, String username, Secret password,
      InternetAddress from, InternetAddress[] to, String subjectPrefix, Duration digest, SinkContext ctx) {
    this.session = session;
    this.protocol = protocol;
    this.host = host;
    this.port = port;
    this.username = username;
    this.password = password;
    this.from = from;
    this.to = to;
    this.subjectPrefix = subjectPrefix;
    this.digest = digest;
    this.ctx = ctx;
  }

  /**
   * {@code type: email} — {@code host}, {@code port} (587; 465 with tls; 25 with none), {@code security}
   * (starttls | tls | none; default starttls), {@code username}, {@code password} (secret), {@code from}, {@code to}
   * (list), {@code subjectPrefix} ([sigwatch]), {@code digest} (a duration: one mail per period; default one mail
   * per alert), {@code timeout} (PT30S), {@code sslTrust} (hosts whose certificate is trusted unchecked — a
   * self-signed test server only).
   */
  public static EmailSink fromOptions(SinkOptions o, SinkContext ctx, List<Secret> secrets) {
    String host = o.required("host", "the SMTP server");
    String security = o.string("security", "starttls").toLowerCase(Locale.ROOT);
    int defaultPort = switch (security) {
      case "starttls" -> 587;
      case "tls" -> 465;
      case "none" -> 25;
      default -> throw o.problem("security", "is '" + security + "': use starttls, tls or none");
    };
    int port = o.integer("port", defaultPort, 1);
    String username = o.string("username", null);
    Secret password = o.secret("password");
    if (password != null) secrets.add(password);
    if (password != null && username == null) throw o.problem("username", "is missing: a password needs a username");
    InternetAddress from = address(o, "from", o.required("from", "the sender address, e.g. sigwatch@example.com"));
    List<String> toList = o.strings("to");
    if (toList.isEmpty()) throw o.problem("to", "is missing: one or more recipient addresses");
    InternetAddress[] to = new InternetAddress[toList.size()];
    for (int i = 0; i < to.length; i++) to[i] = address(o, "to", toList.get(i));
    Duration timeout = o.duration("timeout", Duration.ofSeconds(30), false);
    String protocol = security.equals("tls") ? "smtps" : "smtp";
    Properties p = new Properties();
    String pre = "mail." + protocol + ".";
    p.put(pre + "host", host);
    p.put(pre + "port", Integer.toString(port));
    p.put(pre + "auth", Boolean.toString(username != null));
    p.put(pre + "connectiontimeout", Long.toString(timeout.toMillis()));
    p.put(pre + "timeout", Long.toString(timeout.toMillis()));
    p.put(pre + "writetimeout", Long.toString(timeout.toMillis()));
    if (security.equals("starttls")) {
      p.put(pre + "starttls.enable", "true");
      p.put(pre + "starttls.required", "true");
    }
    List<String> trust = o.strings("sslTrust");
    if (trust.isEmpty()) {
      p.put(pre + "ssl.checkserveridentity", "true");
    } else {
      // Explicitly trusted hosts: their certificate is accepted as it is, name included (a self-signed test server).
      p.put(pre + "ssl.trust", String.join(" ", trust));
      p.put(pre + "ssl.checkserveridentity", "false");
    }
    return new EmailSink(Session.getInstance(p), protocol, host, port, username, password, from, to,
        o.string("subjectPrefix", "[sigwatch]"), o.duration("digest", null, false), ctx);
  }

  private static InternetAddress address(SinkOptions o, String key, String s) {
    try {
      InternetAddress a = new InternetAddress(s, true);
      return a;
    } catch (AddressException e) {
      throw o.problem(key, "'" + s + "' is not an e-mail address: " + e.getMessage());
    }
  }

  @Override
  public void deliver(List<SinkMessage> batch) throws SinkException {
    List<MimeMessage> mails = new ArrayList<>();
    try {
      if (digest == null) {
        for (SinkMessage m : batch) mails.add(single(m));
      } else {
        mails.add(digest(batch));
      }
    } catch (MessagingException e) {
      throw new SinkException("composing mail: " + e.getMessage(), e);
    }
    try (Transport t = session.getTransport(protocol)) {
      t.connect(host, port, username, password == null ? null : password.value());
      for (MimeMessage mail : mails) {
        t.sendMessage(mail, mail.getAllRecipients());
      }
    } catch (MessagingException e) {
      throw new SinkException(String.format(Locale.ROOT, "sending mail via %s:%d: %s", host, port, causes(e)), e);
    }
  }

  /** The exception and its causes, class and message each, e.g. the TLS failure under "could not connect". */
  private static String causes(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null && sb.length() < 600; t = t.getCause()) {
      if (sb.length() > 0) sb.append(" <- ");
      sb.append(t.getClass().getSimpleName());
      if (t.getMessage() != null) sb.append(' ').append(t.getMessage().strip());
    }
    return sb.toString();
  }

  private MimeMessage single(SinkMessage m) throws MessagingException {
    MimeMessage mail = new KeyedMessage(session, m.idempotencyKey());
    Alert a = m.alert();
    String sev = a == null ? "" : a.getSeverity().name() + " ";
    String what = switch (m.kind()) {
      case ALERT -> "";
      case INCIDENT_CONTINUES -> "continues: ";
      case INCIDENT_RESOLVED -> "resolved: ";
    };
    mail.setSubject(subjectPrefix + " " + sev + m.alertType() + " " + what + oneLine(m.headline(), 120), "UTF-8");
    if (m.kind() != SinkMessage.Kind.ALERT) {
      mail.setHeader("In-Reply-To", "<" + m.alertId() + "@sigwatch>");
      mail.setHeader("References", "<" + m.alertId() + "@sigwatch>");
    }
    mail.setText(body(m), "UTF-8");
    return address(mail, m.idempotencyKey(), m.atMillis());
  }

  private MimeMessage digest(List<SinkMessage> batch) throws MessagingException {
    String key = digestKey(batch);
    MimeMessage mail = new KeyedMessage(session, key);
    long worst = batch.stream().filter(m -> m.alert() != null).mapToLong(m -> m.alert().getSeverity().ordinal())
        .max().orElse(-1);
    String sev = worst < 0 ? "" : " worst " + dev.sigwatch.schemas.Severity.values()[(int) worst].name() + ",";
    mail.setSubject(String.format(Locale.ROOT, "%s digest:%s %d alert(s) and update(s) over %s", subjectPrefix, sev,
        batch.size(), digest), "UTF-8");
    StringBuilder sb = new StringBuilder();
    for (SinkMessage m : batch) {
      sb.append("──────────────────────────────────────────\n").append(body(m)).append('\n');
    }
    mail.setText(sb.toString(), "UTF-8");
    return address(mail, key, batch.get(batch.size() - 1).atMillis());
  }

  private MimeMessage address(MimeMessage mail, String key, long atMillis) throws MessagingException {
    mail.setFrom(from);
    mail.setRecipients(Message.RecipientType.TO, to);
    mail.setHeader("X-Sigwatch-Idempotency-Key", key);
    mail.setSentDate(new Date(atMillis));
    return mail;
  }

  /** The plain-text description of one message. */
  String body(SinkMessage m) {
    Alert a = m.alert();
    StringBuilder sb = new StringBuilder();
    sb.append(m.kind().eventType()).append(": ").append(m.headline()).append("\n\n");
    line(sb, "Type", m.alertType());
    if (a != null) line(sb, "Severity", a.getSeverity().name());
    if (a != null) line(sb, "Identity", a.getIdentity());
    line(sb, "Log", m.logId());
    if (a != null && a.getLogIndex() != null) line(sb, "Index", Long.toString(a.getLogIndex()));
    if (a != null) line(sb, "Entry UUID", a.getUuid());
    if (a != null) line(sb, "Rule", a.getRuleId());
    line(sb, "At", Instant.ofEpochMilli(m.atMillis()).toString());
    line(sb, "Alert id", m.alertId());
    line(sb, "Idempotency key", m.idempotencyKey());
    line(sb, "Web page", ctx.alertLink(m.alertId()));
    if (a != null && a.getCertificate() != null && !a.getCertificate().isEmpty()) {
      sb.append("\nCertificate:\n");
      new TreeMap<>(a.getCertificate()).forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
    }
    if (!m.detail().isEmpty()) {
      sb.append("\nUpdate:\n");
      new TreeMap<>(m.detail()).forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String name, String value) {
    if (value != null && !value.isEmpty()) sb.append(name).append(": ").append(value).append('\n');
  }

  private static String oneLine(String s, int max) {
    String l = s.replace('\n', ' ').replace('\r', ' ');
    return l.length() > max ? l.substring(0, max - 1) + "…" : l;
  }

  static String digestKey(List<SinkMessage> batch) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (SinkMessage m : batch) {
        md.update(m.idempotencyKey().getBytes(StandardCharsets.UTF_8));
        md.update((byte) '\n');
      }
      return "digest_" + HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  @Override
  public int maxBatch() {
    return digest == null ? 20 : 1000;
  }

  @Override
  public Duration linger() {
    return digest == null ? Duration.ZERO : digest;
  }

  @Override
  public String describe() {
    return "email via " + protocol + "://" + host + ":" + port + " to " + to.length + " recipient(s)"
        + (digest == null ? "" : ", digest every " + digest);
  }

  /** A message whose Message-ID is the idempotency key (Jakarta Mail would otherwise make a random one). */
  private static final class KeyedMessage extends MimeMessage {
    private final String key;

    KeyedMessage(Session session, String key) {
      super(session);
      this.key = key;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", "<" + key + "@sigwatch>");
    }
  }
}
