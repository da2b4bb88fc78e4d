package dev.sigwatch.alert.sink;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A syslog receiver on loopback — UDP (one message per datagram), TCP or TLS (RFC 6587 octet counting) — that parses
 * every message as RFC 5424 and its payload as CEF (or keeps it as text), independently of the sink's code.
 */
final class SyslogReceiver implements AutoCloseable {
  /** A parsed RFC 5424 message. */
  record Message(int pri, String timestamp, String hostname, String appName, String msgId, Map<String, String> sd,
      String msg) {
    /** The CEF payload: header fields 0-7 (version .. severity) and extensions, unescaped. */
    Cef cef() {
      return Cef.parse(msg);
    }
  }

  record Cef(List<String> header, Map<String, String> ext) {
    static Cef parse(String s) {
      if (!s.startsWith("CEF:")) throw new IllegalArgumentException("not CEF: " + s);
      List<String> header = new ArrayList<>();
      StringBuilder cur = new StringBuilder();
      int i = 4;
      while (header.size() < 7) {
        char c = s.charAt(i++);
        if (c == '\\') {
          cur.append(s.charAt(i++));
        } else if (c == '|') {
          header.add(cur.toString());
          cur.setLength(0);
        } else {
          cur.append(c);
        }
      }
      String ext = s.substring(i);
      Map<String, String> out = new LinkedHashMap<>();
      Matcher keys = Pattern.compile("(?:^| )([A-Za-z0-9]+)=").matcher(ext);
      List<int[]> spans = new ArrayList<>();
      List<String> names = new ArrayList<>();
      while (keys.find()) {
        // A key starts after an unescaped space; "\=" inside values never matches because of the backslash.
        if (keys.start() > 0 && ext.charAt(keys.start() - 1) == '\\') continue;
        spans.add(new int[] {keys.start(), keys.end()});
        names.add(keys.group(1));
      }
      for (int k = 0; k < names.size(); k++) {
        int end = k + 1 < spans.size() ? spans.get(k + 1)[0] : ext.length();
        out.put(names.get(k), unescape(ext.substring(spans.get(k)[1], end)));
      }
      return new Cef(header, out);
    }

    private static String unescape(String v) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c == '\\' && i + 1 < v.length()) {
          char n = v.charAt(++i);
          sb.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
        } else {
          sb.append(c);
        }
      }
      return sb.toString();
    }
  }

  private static final Pattern RFC5424 = Pattern.compile(
      "<(\\d{1,3})>1 (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (-|\\[(?:[^\\]\\\\]|\\\\.)*\\]) (.*)", Pattern.DOTALL);
  private static final Pattern SD_PARAM = Pattern.compile("([A-Za-z0-9_.-]+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final List<Message> messages = new ArrayList<>();
  private final List<String> unparsed = new ArrayList<>();
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final Thread thread;
  private volatile boolean running = true;

  private SyslogReceiver(DatagramSocket udp, ServerSocket tcp) {
    this.udp = udp;
    this.tcp = tcp;
    this.thread = new Thread(udp != null ? this::readUdp : this::accept, "syslog-receiver");
    thread.setDaemon(true);
    thread.start();
  }

  static SyslogReceiver udp() throws IOException {
    return new SyslogReceiver(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), null);
  }

  static SyslogReceiver tcp() throws IOException {
    return new SyslogReceiver(null, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
  }

  static SyslogReceiver tls(SSLContext ctx) throws IOException {
    return new SyslogReceiver(null, ctx.getServerSocketFactory().createServerSocket(0, 50,
        InetAddress.getLoopbackAddress()));
  }

  int port() {
    return udp != null ? udp.getLocalPort() : tcp.getLocalPort();
  }

  synchronized List<Message> messages() {
    return List.copyOf(messages);
  }

  synchronized List<String> unparsed() {
    return List.copyOf(unparsed);
  }

  private void readUdp() {
    byte[] buf = new byte[65536];
    while (running) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        udp.receive(p);
      } catch (IOException e) {
        return;
      }
      add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
    }
  }

  private void accept() {
    while (running) {
      Socket s;
      try {
        s = tcp.accept();
      } catch (IOException e) {
        return;
      }
      Thread t = new Thread(() -> readFrames(s), "syslog-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  /** RFC 6587 octet counting: MSG-LEN SP SYSLOG-MSG, repeated; a frame cut off by a closed connection is dropped. */
  private void readFrames(Socket s) {
    try (s; InputStream in = new BufferedInputStream(s.getInputStream())) {
      while (true) {
        int len = 0;
        int c;
        int digits = 0;
        while ((c = in.read()) != ' ') {
          if (c < 0) return;
          if (c < '0' || c > '9') throw new IOException("bad frame length byte " + c);
          len = len * 10 + (c - '0');
          digits++;
        }
        if (digits == 0) throw new IOException("empty frame length");
        byte[] msg = in.readNBytes(len);
        if (msg.length < len) return;
        add(new String(msg, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      synchronized (this) {
        unparsed.add("connection: " + e);
      }
    }
  }

  private synchronized void add(String raw) {
    Matcher m = RFC5424.matcher(raw);
    if (!m.matches()) {
      unparsed.add(raw);
      return;
    }
    Map<String, String> sd = new LinkedHashMap<>();
    Matcher p = SD_PARAM.matcher(m.group(7));
    while (p.find()) sd.put(p.group(1), p.group(2).replaceAll("\\\\(.)", "$1"));
    messages.add(new Message(Integer.parseInt(m.group(1)), m.group(2), m.group(3), m.group(4), m.group(6), sd,
        m.group(8)));
  }

  @Override
  public void close() throws IOException {
    running = false;
    if (udp != null) udp.close();
    if (tcp != null) tcp.close();
  }
}
