package io.chis.runtime.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.Receiver;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.TestRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.http.MediaType;

/**
 * The console in a real browser: Debian's headless Chromium through {@code /usr/bin/chromedriver} (installed by
 * {@code .ci/run}; nothing is downloaded), against a real runtime. Screenshots go to {@code target/console/}.
 */
class ConsoleIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "console");
    static final String PASSWORD = "correct-horse-battery";

    static ChisRuntime runtime;
    static Receiver receiver;
    static ChromeDriver browser;
    static WebDriverWait wait;
    static String base;

    @BeforeAll
    static void start() throws IOException {
        // no silent skip: a machine without the browser fails here and says how to get it
        assertThat(CHROMIUM)
                .as(
                        "headless Chromium for the console test: apt-get install -y chromium chromium-driver (.ci/run does)")
                .isExecutable();
        assertThat(CHROMEDRIVER)
                .as("chromedriver for the console test: apt-get install -y chromium chromium-driver (.ci/run does)")
                .isExecutable();
        receiver = Receiver.start((n, request) -> request.path().startsWith("/gone")
                ? Receiver.Reply.status(410).withBody("this hook is gone")
                : Receiver.Reply.ok().withBody("{\"thanks\":true}"));
        runtime = TestRuntime.start(TestRuntime.environment());
        base = "http://localhost:" + runtime.settings().httpPort();
        Files.createDirectories(SCREENSHOTS);

        System.setProperty("SE_OFFLINE", "true"); // Selenium Manager must never fetch a driver or a browser
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1366,900",
                "--user-data-dir=" + Files.createTempDirectory("chis-console-chromium"));
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (runtime != null) runtime.close();
        if (receiver != null) receiver.close();
    }

    @Test
    void aPersonSignsInWatchesAWebhookArriveReplaysADeadOneAndCreatesAnEndpoint() throws IOException {
        ApiClient api = new ApiClient(runtime.settings().httpPort());
        String email = "ops-" + System.nanoTime() + "@example.com";
        api.http
                .post()
                .uri("/auth/register")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", PASSWORD))
                .exchange()
                .expectStatus()
                .isCreated();
        String apiKey = api.newApiKey(api.login(email, PASSWORD));

        // sign in with the keyboard only
        browser.get(base + "/console");
        WebElement emailField = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("email")));
        screenshot("01-sign-in");
        emailField.sendKeys(email, Keys.TAB, "wrong password");
        browser.findElement(By.id("password")).sendKeys(Keys.ENTER);
        // the problem+json detail of the 401, not a generic failure
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector(".alert"), "invalid email or password"));
        browser.findElement(By.id("password")).clear();
        browser.findElement(By.id("password")).sendKeys(PASSWORD, Keys.ENTER);
        wait.until(
                ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".empty-title"), "No messages yet"));
        screenshot("02-no-messages");

        // a webhook sent through the API appears, live, as delivered
        String delivered = api.send(
                apiKey,
                "{\"url\":\"" + receiver.url("/orders") + "\",\"eventType\":\"order.paid\",\"payload\":{\"id\":42}}");
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-row='" + delivered + "'] [data-status='delivered']")));

        // a second one is refused with 410 and dead-lettered
        String dead = api.send(
                apiKey, "{\"url\":\"" + receiver.url("/gone") + "\",\"eventType\":\"order.lost\",\"payload\":{}}");
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-row='" + dead + "'] [data-status='dead']")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-count='dead']"), "1"));
        screenshot("03-messages");

        // its attempts: status code, duration and the first bytes of the answer
        browser.findElement(By.cssSelector("a[data-message='" + delivered + "']"))
                .click();
        WebElement attempt =
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("li[data-attempt='1']")));
        assertThat(attempt.getText()).contains("HTTP 200").contains("ms").contains("{\"thanks\":true}");
        screenshot("04-attempts");

        // search by event type, then by message id
        browser.get(base + "/console#/messages");
        WebElement search = wait.until(ExpectedConditions.elementToBeClickable(By.id("search")));
        search.sendKeys("order.lost", Keys.ENTER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-row='" + dead + "']")));
        assertThat(browser.findElements(By.cssSelector("tr[data-row='" + delivered + "']")))
                .isEmpty();

        // dead letters: replay with a button and watch the new attempt arrive
        browser.get(base + "/console#/dead");
        WebElement replay = wait.until(
                ExpectedConditions.elementToBeClickable(By.cssSelector("button[data-replay='" + dead + "']")));
        screenshot("05-dead-letters");
        replay.click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("li[data-attempt='2']")));
        assertThat(browser.findElement(By.cssSelector(".notice")).getText()).contains("Replaying 1 delivery");
        assertThat(browser.findElements(By.cssSelector("li.attempt"))).hasSize(2);
        assertThat(receiver.requestsFor(dead)).hasSize(2);
        screenshot("06-replayed");

        // an endpoint: a bad event type shows the API's detail, a good one shows its secret once
        browser.get(base + "/console#/endpoints");
        wait.until(
                ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".empty-title"), "No endpoints yet"));
        browser.findElement(By.id("new-endpoint")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("endpoint-name")))
                .sendKeys("Billing");
        browser.findElement(By.id("endpoint-url")).sendKeys(receiver.url("/billing"));
        WebElement events = browser.findElement(By.id("endpoint-events"));
        events.clear();
        events.sendKeys("not an event!", Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#endpoint-form .alert"), "is not an event type"));
        events.clear();
        events.sendKeys("invoice.*, order.paid", Keys.ENTER);
        WebElement secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret-value")));
        assertThat(secret.getText()).startsWith("whsec_");
        screenshot("07-endpoint-created");
        browser.get(base + "/console#/endpoints");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("endpoints"), "Billing"));
        assertThat(browser.findElement(By.id("endpoints")).getText())
                .contains("invoice.*")
                .containsIgnoringCase("enabled");
        screenshot("08-endpoints");

        // API keys: a new key is shown once
        browser.get(base + "/console#/keys");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("key-name"))).sendKeys("console-made", Keys.ENTER);
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret-value")))
                        .getText())
                .isNotBlank();
        screenshot("09-api-keys");

        // the overview with its chart, for the README
        browser.get(base + "/console#/messages");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("svg.chart rect.bar-ok")));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-row='" + dead + "']")));
        screenshot("10-overview");
        await().atMost(Duration.ofSeconds(5)).until(() -> consoleErrors().isEmpty());
    }

    /** Errors the page logged (a failed module load, a CSP violation, an exception). */
    private static List<String> consoleErrors() {
        return browser.manage().logs().get("browser").getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(Object::toString)
                .filter(line -> !line.contains("401")) // the deliberate wrong password
                .toList();
    }

    private static void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
