package dev.sigwatch.alert.sink.syslog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.alert.sink.MessageJson;
import dev.sigwatch.alert.sink.Sink;
import dev.sigwatch.alert.sink.SinkContext;
import dev.sigwatch.alert.sink.SinkException;
import dev.sigwatch.alert.sink.SinkMessage;
import dev.sigwatch.alert.sink.SinkOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Sends alerts to a SIEM as RFC 5424 syslog over UDP (RFC 5426, one message per datagram), TCP (RFC 6587
 * octet-counting: {@code <length> <message>}) or TLS (RFC 5425, the same framing over TLS; the server certificate is
 * checked against {@code caFile} or the JVM's trust store, and its name against {@code host}). The message is the
 * alert as CEF ({@link Cef}) or as JSON ({@link MessageJson}), with long evidence values shortened so a message
 * stays a few kilobytes. The TCP/TLS connection is kept open and re-made after a failure.
 *
 * <p>Delivery over TCP and TLS is as reliable as the transport: a message written to the socket before the peer
 * vanishes may be lost without an error. UDP gives no guarantee at all; use it only where the SIEM is local.
 */
public final class SyslogSink implements Sink {
  /** Evidence values (entry bodies, proofs) longer than this are shortened in syslog messages. */
  static final int MAX_EVIDENCE_CHARS = 256;
  static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
      "uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
      "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7");

  private final String host;
  private final int port;
  private final String protocol;
  private final boolean cef;
  private final int facility;
  private final String hostname;
  private final String appName;
  private final SSLContext tls;
  private final Duration timeout;
  private final String version;
  private Socket socket;
  private OutputStream out;
  private DatagramSocket udp;

  SyslogSink(String host, int port, String protocol, boolean cef, int facility, String hostname, String appName,
      SSLContext tls, Duration timeout, String version) {
    this.host = host;
    this.port = port;
    this.protocol = protocol;
    this.cef = cef;
    this.facility = facility;
    this.hostname = hostname;
    this.appName = appName;
    this.tls = tls;
    this.timeout = timeout;
    this.version = version;
  }

  /**
   * {@code type: syslog} — {@code host}, {@code port} (514, TLS 6514), {@code protocol} (udp | tcp | tls; default
   * tcp), {@code format} (cef | json; default cef), {@code facility} (name or 0-23; default local0),
   * {@code appName} (sigwatch), {@code hostname} (this machine's), {@code caFile} (PEM CA certificates for TLS),
   * {@code timeout} (PT10S: connect and write).
   */
  public static SyslogSink fromOptions(SinkOptions o, SinkContext ctx) {
    String host = o.required("host", "the syslog receiver's host name or address");
    String protocol = o.string("protocol", "tcp").toLowerCase(Locale.ROOT);
    if (!List.of("udp", "tcp", "tls").contains(protocol)) {
      throw o.problem("protocol", "is '" + protocol + "': use udp, tcp or tls");
    }
    int port = o.integer("port", protocol.equals("tls") ? 6514 : 514, 1);
    if (port > 65535) throw o.problem("port", "must be a TCP/UDP port, was " + port);
    String format = o.string("format", "cef").toLowerCase(Locale.ROOT);
    if (!format.equals("cef") && !format.equals("json")) {
      throw o.problem("format", "is '" + format + "': use cef or json");
    }
    String fac = o.string("facility", "local0").toLowerCase(Locale.ROOT);
    int facility = FACILITIES.indexOf(fac);
    if (facility < 0) {
      try {
        facility = Integer.parseInt(fac);
      } catch (NumberFormatException e) {
        facility = -1;
      }
      if (facility < 0 || facility > 23) {
        throw o.problem("facility", "is '" + fac + "': use a name (" + String.join(", ", FACILITIES) + ") or 0-23");
      }
    }
    Path caFile = o.path("caFile");
    SSLContext tls = null;
    if (protocol.equals("tls")) {
      try {
        tls = sslContext(caFile);
      } catch (IOException | GeneralSecurityException e) {
        throw o.problem("caFile", caFile + ": not readable as PEM certificates: " + e.getMessage());
      }
    } else if (caFile != null) {
      throw o.problem("caFile", "is only used with protocol: tls");
    }
    String version = SyslogSink.class.getPackage().getImplementationVersion();
    return new SyslogSink(host, port, protocol, format.equals("cef"), facility,
        o.string("hostname", localHostName()), o.string("appName", "sigwatch"), tls,
        o.duration("timeout", Duration.ofSeconds(10), false), version == null ? "dev" : version);
  }

  @Override
  public void deliver(List<SinkMessage> batch) throws SinkException {
    for (SinkMessage m : batch) {
      byte[] msg = format(m).getBytes(StandardCharsets.UTF_8);
      try {
        if (protocol.equals("udp")) {
          sendUdp(msg);
        } else {
          sendStream(msg);
        }
      } catch (IOException e) {
        closeQuietly();
        throw new SinkException(String.format(Locale.ROOT, "sending syslog over %s to %s:%d: %s%s", protocol, host, port,
            e.getClass().getSimpleName(), e.getMessage() == null ? "" : " " + e.getMessage()), e);
      }
    }
    if (out != null) {
      try {
        out.flush();
      } catch (IOException e) {
        closeQuietly();
        throw new SinkException("flushing syslog to " + host + ":" + port + ": " + e.getMessage(), e);
      }
    }
  }

  /** The RFC 5424 line of {@code m} with its CEF or JSON payload. */
  String format(SinkMessage m) {
    String payload = cef ? Cef.format(shortened(m), version) : MessageJson.toNode(shortened(m)).toString();
    return Rfc5424.format(m, facility, hostname, appName, payload);
  }

  private static SinkMessage shortened(SinkMessage m) {
    if (m.alert() == null || m.alert().getEvidence() == null) return m;
    boolean longValues = m.alert().getEvidence().values().stream().anyMatch(v -> v.length() > MAX_EVIDENCE_CHARS);
    if (!longValues) return m;
    Map<String, String> ev = new java.util.TreeMap<>();
    m.alert().getEvidence().forEach((k, v) -> ev.put(k, v.length() <= MAX_EVIDENCE_CHARS ? v
        : v.substring(0, MAX_EVIDENCE_CHARS) + "…[" + v.length() + " chars]"));
    var a = dev.sigwatch.schemas.Alert.newBuilder(m.alert()).setEvidence(ev).build();
    return new SinkMessage(m.kind(), m.alertId(), m.idempotencyKey(), a, m.update());
  }

  private void sendUdp(byte[] msg) throws IOException {
    if (msg.length > 65_000) throw new IOException("message of " + msg.length + " bytes does not fit a datagram");
    if (udp == null) {
      udp = new DatagramSocket();
    }
    udp.send(new DatagramPacket(msg, msg.length, InetAddress.getByName(host), port));
  }

  private void sendStream(byte[] msg) throws IOException {
    if (socket == null) {
      connect();
    }
    out.write((msg.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.write(msg);
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      s.setTcpNoDelay(true);
      if (tls != null) {
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, host, port, true);
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name host
        ssl.setSSLParameters(p);
        ssl.startHandshake();
        s = ssl;
      }
    } catch (IOException e) {
      s.close();
      throw e;
    }
    socket = s;
    out = new java.io.BufferedOutputStream(s.getOutputStream());
  }

  private static SSLContext sslContext(Path caFile) throws IOException, GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    if (caFile == null) {
      ctx.init(null, null, null);
      return ctx;
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      Iterator<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).iterator();
      int i = 0;
      while (certs.hasNext()) {
        ks.setCertificateEntry("ca" + i++, certs.next());
      }
      if (i == 0) throw new GeneralSecurityException("no certificate in the file");
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "-";
    }
  }

  private void closeQuietly() {
    try {
      if (socket != null) socket.close();
    } catch (IOException ignored) {
      // reconnecting anyway
    }
    socket = null;
    out = null;
  }

  @Override
  public int maxBatch() {
    return 50;
  }

  @Override
  public String describe() {
    return "syslog " + protocol + "://" + host + ":" + port + (cef ? " (CEF)" : " (JSON)");
  }

  @Override
  public void close() {
    closeQuietly();
    if (udp != null) udp.close();
  }

  /** For tests: the JSON node a JSON-format message carries. */
  static ObjectNode json(SinkMessage m) {
    return MessageJson.toNode(shortened(m));
  }
}
