package dev.sigwatch.alert.sink.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.alert.sink.SinkException;
import dev.sigwatch.alert.sink.http.SsrfGuard.AddressClass;
import java.net.InetAddress;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SsrfGuardTest {
  @ParameterizedTest
  @CsvSource({
      "127.0.0.1, LOOPBACK", "127.9.9.9, LOOPBACK", "::1, LOOPBACK", "0.0.0.0, LOOPBACK", "0.1.2.3, LOOPBACK",
      "::ffff:127.0.0.1, LOOPBACK", "169.254.169.254, LINK_LOCAL", "fe80::1, LINK_LOCAL", "10.1.2.3, PRIVATE",
      "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE", "192.168.1.1, PRIVATE", "100.64.0.1, PRIVATE",
      "fd12:3456::1, PRIVATE", "224.0.0.1, PRIVATE", "::ffff:10.0.0.1, PRIVATE",
      "8.8.8.8, PUBLIC", "172.32.0.1, PUBLIC", "100.128.0.1, PUBLIC", "2606:4700::1111, PUBLIC"})
  void classifies(String address, String expected) throws Exception {
    AddressClass c = SsrfGuard.classify(InetAddress.getByName(address));
    assertThat(c == null ? "PUBLIC" : c.name()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"http://127.0.0.1:8080/x, loopback", "http://169.254.169.254/latest/meta-data, link-local",
      "https://10.0.0.5/hook, private"})
  void refusesInternalDestinationsUnlessAllowed(String url, String cls) throws Exception {
    SsrfGuard none = SsrfGuard.of(Set.of());
    assertThatThrownBy(() -> none.check(URI.create(url))).isInstanceOf(SinkException.class)
        .hasMessageContaining("a " + cls + " address").hasMessageContaining("allowAddresses: [" + cls + "]")
        .hasMessageNotContaining(URI.create(url).getPath().isEmpty() ? "\u0000" : URI.create(url).getPath());
    SsrfGuard allowed = SsrfGuard.of(Set.of(AddressClass.parse(cls)));
    allowed.check(URI.create(url));
  }

  @ParameterizedTest
  @CsvSource({"8.8.8.8", "127.0.0.1"})
  void aNameIsRefusedWhenAnyOfItsAddressesIsInternal(String second) throws Exception {
    SsrfGuard g = new SsrfGuard(Set.of(), host -> new InetAddress[] {InetAddress.getByName("1.1.1.1"),
        InetAddress.getByName(second)});
    if (second.equals("8.8.8.8")) {
      g.check(URI.create("https://hooks.example.com/x"));
    } else {
      assertThatThrownBy(() -> g.check(URI.create("https://hooks.example.com/x")))
          .hasMessageContaining("hooks.example.com resolves to 127.0.0.1, a loopback address");
    }
  }
}
