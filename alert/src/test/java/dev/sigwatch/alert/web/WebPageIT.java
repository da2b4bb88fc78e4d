package dev.sigwatch.alert.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sigwatch.alert.api.ApiFixture;
import dev.sigwatch.alert.store.Events;
import dev.sigwatch.alert.store.StoreBatch;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real headless Chromium against a real store with alerts and a real watchlist topic: sign in,
 * the alert list and its filters, live updates, an alert's detail and acknowledging it, log health charts, search,
 * adding a watchlist rule, and what a read-only token does not see. Screenshots go to the build directory
 * ({@code screenshots/}). Without a browser on the machine the test is skipped and says why.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebPageIT {
  static ApiFixture f;
  static ChromeDriver d;
  static WebDriverWait wait;

  @BeforeAll
  static void start(KafkaTestBroker broker) throws Exception {
    Path[] bin = Browser.binaries();
    assumeTrue(bin != null, "browser test skipped: no chromium and chromedriver on this machine (install Debian's "
        + "chromium and chromium-driver, as .ci/run does, or set SIGWATCH_CHROMIUM and SIGWATCH_CHROMEDRIVER)");
    Path dir = Files.createTempDirectory("web-page-it");
    f = new ApiFixture(dir, broker);
    d = Browser.start(bin, Files.createDirectories(dir.resolve("chromium-profile")));
    wait = new WebDriverWait(d, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (d != null) {
      d.quit();
    }
    if (f != null) {
      f.close();
    }
  }

  static void signIn(String token) {
    d.get(f.baseUrl() + "/#/alerts");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(token);
    d.findElement(By.cssSelector("#signin-form button")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-alerts")));
  }

  static List<WebElement> alertRows() {
    return d.findElements(By.cssSelector("#alerts-table tbody tr"));
  }

  @Test
  @Order(1)
  void theAlertListLoadsAndShowsHostileTextAsText() throws Exception {
    signIn(f.adminToken);
    wait.until(x -> alertRows().size() == 50);
    assertThat(d.findElement(By.id("whoami")).getText()).isEqualTo("alice (admin)");
    WebElement first = alertRows().get(0);
    assertThat(first.getText()).contains("LOOKALIKE").contains(ApiFixture.HOSTILE);
    assertThat(d.findElements(By.cssSelector("img[src='x']"))).isEmpty();
    Browser.screenshot(d, "01-alerts");
    d.findElement(By.id("alerts-more")).click();
    wait.until(x -> alertRows().size() == 63);
  }

  @Test
  @Order(2)
  void filtersNarrowTheList() throws Exception {
    d.navigate().refresh();
    wait.until(x -> alertRows().size() == 50);
    new Select(d.findElement(By.name("severity"))).selectByVisibleText("CRITICAL");
    d.findElement(By.cssSelector("#alert-filters button[type=submit]")).click();
    wait.until(x -> alertRows().size() == 1);
    assertThat(alertRows().get(0).getText()).contains("SPLIT_VIEW").contains("CRITICAL");
    Browser.screenshot(d, "02-alerts-filtered");
    d.findElement(By.cssSelector("#alert-filters button[type=reset]")).click();
    WebElement type = d.findElement(By.name("type"));
    type.sendKeys("STALE_LOG");
    new Select(d.findElement(By.name("state"))).selectByVisibleText("RESOLVED");
    d.findElement(By.cssSelector("#alert-filters button[type=submit]")).click();
    wait.until(x -> alertRows().size() == 1 && alertRows().get(0).getText().contains("STALE_LOG"));
    assertThat(alertRows().get(0).getText()).contains("RESOLVED");
  }

  @Test
  @Order(3)
  void newAlertsAppearWithoutAReload() {
    d.findElement(By.cssSelector("#alert-filters button[type=reset]")).click();
    wait.until(x -> alertRows().size() == 50);
    Alert fresh = Events.alert("live-" + System.nanoTime(), "FORK", Severity.CRITICAL, ApiFixture.REKOR_V2, null,
        null, System.currentTimeMillis());
    f.store.write(new StoreBatch(List.of(fresh), List.of(), List.of(), "web-it", Map.of()));
    wait.until(x -> alertRows().get(0).getAttribute("data-id").equals(fresh.getAlertId()));
    assertThat(alertRows().get(0).getText()).contains("FORK");
    assertThat(d.findElement(By.id("live-status")).getText()).contains("1 new");
  }

  @Test
  @Order(4)
  void anAlertsDetailShowsItsEvidenceAndCanBeAcknowledged() throws Exception {
    d.get(f.baseUrl() + "/#/alerts");
    WebElement row = wait.until(x -> d.findElements(By.cssSelector("#alerts-table tbody tr[data-id='"
        + f.ids.get("split") + "']")).stream().findFirst().orElse(null));
    row.click();
    WebElement evidence = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("evidence")));
    assertThat(evidence.getText()).contains("previousCheckpoint").contains("rekor.sigstore.dev - 1193050959916656506")
        .contains("2953833797").contains("root2");
    assertThat(d.findElement(By.id("alert-detail")).getText()).contains("INCIDENT_CONTINUES")
        .contains("the same second tree was served again");
    assertThat(d.findElement(By.id("log-proof")).getText()).contains("2,953,833,797 entries");
    Browser.screenshot(d, "03-alert-detail");
    d.findElement(By.cssSelector("#alert-actions textarea")).sendKeys("paging the Rekor on-call");
    d.findElement(By.id("ack")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("alert-detail"), "ACKNOWLEDGED by alice"));
    assertThat(d.findElement(By.id("alert-detail")).getText()).contains("paging the Rekor on-call");
    assertThat(f.store.alert(f.ids.get("split")).orElseThrow().alert().state().name()).isEqualTo("ACKNOWLEDGED");
  }

  @Test
  @Order(5)
  void anIdentityAlertShowsItsCertificateAndLinksToTheEntry() throws Exception {
    d.get(f.baseUrl() + "/#/alert/" + f.ids.get("identity"));
    WebElement cert = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cert")));
    wait.until(x -> cert.getText().contains("oidcIssuer"));
    assertThat(cert.getText()).contains("notBefore").contains("fingerprint").contains("chain");
    List<WebElement> links = d.findElements(By.cssSelector("#alert-detail a[target=_blank]"));
    assertThat(links).isNotEmpty();
    assertThat(links.get(0).getAttribute("href")).startsWith("https://");
    Browser.screenshot(d, "04-identity-alert");
  }

  @Test
  @Order(6)
  void logHealthHasChartsPerLog() throws Exception {
    d.findElement(By.cssSelector("nav a[data-view=logs]")).click();
    wait.until(x -> d.findElements(By.cssSelector(".log-card")).size() == 3
        && d.findElements(By.cssSelector(".log-card svg path.line")).size() == 6);
    WebElement rekor = d.findElement(By.cssSelector(".log-card[data-log='" + ApiFixture.REKOR + "']"));
    assertThat(rekor.getText()).contains("2,953,833,797").contains("open incidents");
    assertThat(rekor.findElements(By.cssSelector(".health-bad"))).hasSize(1);
    Browser.screenshot(d, "05-logs");
  }

  @Test
  @Order(7)
  void searchFindsWhoSignedWhat() throws Exception {
    d.findElement(By.cssSelector("nav a[data-view=search]")).click();
    WebElement identity = wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("identity")));
    identity.sendKeys("https://github.com/acme/");
    new Select(d.findElement(By.name("match"))).selectByValue("prefix");
    d.findElement(By.cssSelector("#search-form button[type=submit]")).click();
    wait.until(x -> d.findElements(By.cssSelector("#search-table tbody tr")).size() == 10);
    assertThat(d.findElement(By.id("search-table")).getText()).contains(ApiFixture.RELEASE)
        .contains("https://token.actions.githubusercontent.com");
    Browser.screenshot(d, "06-search");
    new Select(d.findElement(By.name("match"))).selectByValue("regex");
    identity.clear();
    identity.sendKeys("(broken");
    d.findElement(By.cssSelector("#search-form button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("search-error"),
        "identity: identity is not a valid regular expression"));
  }

  @Test
  @Order(8)
  void aWatchlistRuleIsAddedThroughThePage() throws Exception {
    d.findElement(By.cssSelector("nav a[data-view=watchlist]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("rule-form")));
    WebElement subject = d.findElement(By.name("certSubject"));
    subject.sendKeys("(unbalanced");
    d.findElement(By.cssSelector("#rule-form button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rule-error"), "certSubject:"));
    subject.clear();
    subject.sendKeys("^https://github\\.com/acme/");
    d.findElement(By.name("issuers")).sendKeys("https://token\\.actions\\.githubusercontent\\.com");
    d.findElement(By.name("description")).sendKeys("acme's workflows");
    d.findElement(By.cssSelector("#rule-form button[type=submit]")).click();
    wait.until(x -> d.findElements(By.cssSelector("#watchlist-table tbody tr")).size() == 1);
    assertThat(d.findElement(By.id("watchlist-table")).getText()).contains("CERT_IDENTITY")
        .contains("^https://github\\.com/acme/").contains("acme's workflows");
    assertThat(f.watchlist.current().values()).singleElement()
        .satisfies(r -> assertThat(r.getCertSubject()).isEqualTo("^https://github\\.com/acme/"));
    Browser.screenshot(d, "07-watchlist");
  }

  @Test
  @Order(9)
  void aReadOnlyTokenSeesNoAdminControls() {
    d.findElement(By.id("signout")).click();
    signIn(f.readToken);
    assertThat(d.findElement(By.id("whoami")).getText()).isEqualTo("dashboard (read)");
    d.findElement(By.cssSelector("nav a[data-view=watchlist]")).click();
    wait.until(x -> d.findElements(By.cssSelector("#watchlist-table tbody tr")).size() == 1);
    assertThat(d.findElement(By.id("rule-form")).isDisplayed()).isFalse();
    assertThat(d.findElement(By.cssSelector("#watchlist-table button")).isDisplayed()).isFalse();
    d.findElement(By.id("signout")).click();
    d.findElement(By.id("token")).sendKeys("swt_not-a-token");
    d.findElement(By.cssSelector("#signin-form button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-error"), "not one of api.tokens"));
  }
}
