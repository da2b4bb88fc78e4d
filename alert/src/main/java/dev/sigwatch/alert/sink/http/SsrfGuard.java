package dev.sigwatch.alert.sink.http;

import dev.sigwatch.alert.sink.SinkException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses to send alerts to addresses inside the monitor's own network unless the operator allowed it.
 *
 * <p>Why: a sink's URL comes from configuration that is often templated or shared, and a webhook to
 * {@code http://169.254.169.254/} (cloud metadata), {@code http://127.0.0.1:9464/} or an intranet host would let
 * whoever controls that setting make sigwatch call internal services with alert content. So by default every address
 * the host name resolves to must be public; {@code allowAddresses: [loopback | link-local | private]} opts in per
 * sink. The check runs before each request. Its limit: the HTTP client resolves the name again when it connects, so a
 * DNS server answering differently within milliseconds (rebinding) is not stopped by this check alone; pin internal
 * destinations by IP literal if that matters.
 */
public final class SsrfGuard {
  /** Address classes that are refused unless allowed. */
  public enum AddressClass {
    LOOPBACK("loopback"), LINK_LOCAL("link-local"), PRIVATE("private");

    private final String configName;

    AddressClass(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }

    /** Parses {@code loopback}, {@code link-local} or {@code private}. */
    public static AddressClass parse(String s) {
      for (AddressClass c : values()) {
        if (c.configName.equals(s.toLowerCase(Locale.ROOT))) return c;
      }
      throw new IllegalArgumentException("'" + s + "' is not an address class: use loopback, link-local or private");
    }
  }

  /** Resolves a host name to all its addresses. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final Set<AddressClass> allowed;
  private final Resolver resolver;

  public SsrfGuard(Set<AddressClass> allowed, Resolver resolver) {
    this.allowed = allowed.isEmpty() ? EnumSet.noneOf(AddressClass.class) : EnumSet.copyOf(allowed);
    this.resolver = resolver;
  }

  public static SsrfGuard of(Set<AddressClass> allowed) {
    return new SsrfGuard(allowed, InetAddress::getAllByName);
  }

  /** Throws unless every address of {@code uri}'s host is public or of an allowed class. */
  public void check(URI uri) throws SinkException {
    String host = uri.getHost();
    if (host == null) throw new SinkException("destination has no host");
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw new SinkException("cannot resolve destination host " + host, e);
    }
    for (InetAddress a : addresses) {
      AddressClass c = classify(a);
      if (c != null && !allowed.contains(c)) {
        throw new SinkException(String.format(Locale.ROOT,
            "destination host %s resolves to %s, a %s address, which sinks may not call: add allowAddresses: [%s] to "
                + "this sink if that is intended", host, a.getHostAddress(), c.configName(), c.configName()));
      }
    }
  }

  /** The class of a non-public address, or null for a public one. */
  public static AddressClass classify(InetAddress a) {
    if (a.isLoopbackAddress() || a.isAnyLocalAddress()) return AddressClass.LOOPBACK;
    if (a.isLinkLocalAddress()) return AddressClass.LINK_LOCAL;
    if (a.isSiteLocalAddress() || a.isMulticastAddress()) return AddressClass.PRIVATE;
    byte[] b = a.getAddress();
    if (b.length == 4) {
      int b0 = b[0] & 0xff;
      int b1 = b[1] & 0xff;
      if (b0 == 0) return AddressClass.LOOPBACK; // 0.0.0.0/8 reaches the local host
      if (b0 == 100 && b1 >= 64 && b1 < 128) return AddressClass.PRIVATE; // 100.64.0.0/10, carrier-grade NAT
      if (b0 == 198 && (b1 == 18 || b1 == 19)) return AddressClass.PRIVATE; // 198.18.0.0/15, benchmarking
    } else if (a instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc) return AddressClass.PRIVATE; // fc00::/7, unique local
      if (isMappedOrCompat(b)) {
        try {
          return classify(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
        } catch (UnknownHostException e) {
          throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
      }
    }
    return null;
  }

  private static boolean isMappedOrCompat(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) return false;
    }
    return (b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0);
  }
}
