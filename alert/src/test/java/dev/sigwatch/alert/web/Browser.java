package dev.sigwatch.alert.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium driven by chromedriver, both from the system (Debian's {@code chromium} and
 * {@code chromium-driver}; {@code .ci/run} installs them). Nothing is downloaded: Selenium Manager is bypassed by
 * naming both binaries. Override with {@code SIGWATCH_CHROMIUM} / {@code SIGWATCH_CHROMEDRIVER}.
 */
final class Browser {
  private Browser() {}

  /** The browser and driver binaries, or null when this machine has none (the test is then skipped). */
  static Path[] binaries() {
    Path browser = first(System.getenv("SIGWATCH_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome");
    Path driver = first(System.getenv("SIGWATCH_CHROMEDRIVER"), "/usr/bin/chromedriver",
        "/usr/lib/chromium/chromedriver");
    return browser == null || driver == null ? null : new Path[] {browser, driver};
  }

  private static Path first(String... candidates) {
    return Stream.of(candidates).filter(c -> c != null && !c.isBlank()).map(Path::of)
        .filter(Files::isExecutable).findFirst().orElse(null);
  }

  static ChromeDriver start(Path[] bin, Path profile) {
    ChromeOptions o = new ChromeOptions();
    o.setBinary(bin[0].toFile());
    o.addArguments(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(bin[1].toFile())
        .usingAnyFreePort().withTimeout(Duration.ofSeconds(60)).build();
    ChromeDriver d = new ChromeDriver(service, o);
    d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(30));
    return d;
  }

  /** Saves a PNG of the page under the screenshots directory (the build dir, see the pom). */
  static Path screenshot(ChromeDriver d, String name) throws IOException {
    Path dir = Path.of(System.getProperty("sigwatch.screenshots", "target/screenshots"));
    Files.createDirectories(dir);
    Path file = dir.resolve(name + ".png");
    Files.write(file, ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES));
    return file;
  }
}
