package backprop.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import backprop.calc.Parser;
import backprop.calc.Source;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The two pages in a real headless Chromium (Debian's chromium and chromedriver, which
 * bin/setup installs), driven by Selenium. Without them the test is skipped, except under CI,
 * where it fails. The screenshots go to target/screenshots, or to the folder the system property
 * {@code serve.screenshots} names (docs/ refreshes the README's).
 */
class BrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path temp;
    static Playground playground;
    static ChromeDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (System.getenv("CI") != null) {
            assertThat(installed).as("CI needs chromium and chromedriver: bin/setup installs them").isTrue();
        }
        Assumptions.assumeTrue(installed, "chromium and chromedriver are not installed (bin/setup installs them)");
        playground = new Playground(temp, Limits.DEFAULTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // as root in a container, with nothing but loopback: no sandbox, no GPU, no updates or sync
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createDirectories(temp.resolve("chromium-profile")), "--window-size=1400,900");
        // the driver given outright, so that Selenium Manager never looks for one on the network
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1400, 900));
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        // the page redraws the graph when an answer comes back: an element found just before is gone
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (playground != null) {
            playground.close();
        }
    }

    @Test
    void everyExampleShowsTheValuesAndAdjointsThatGradJsonPrints() {
        openCalculator();
        for (Map.Entry<String, String> e : Playground.examples().entrySet()) {
            openExample(e.getKey());
            JsonNode expected = Playground.gradJson(e.getKey(), e.getValue());
            List<String> names = new ArrayList<>();
            expected.get("values").fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                WebElement node = node(name);
                assertShown(e.getKey() + " " + name, node.findElement(By.cssSelector("text.value")).getText(),
                        "value ", expected.get("values").get(name));
                if (expected.get("gradients").has(name)) {
                    assertShown(e.getKey() + " d/d" + name, node.findElement(By.cssSelector("text.adjoint")).getText(),
                            "d" + expected.get("of").asText() + "/d" + name + " ", expected.get("gradients").get(name));
                }
            }
            // full precision in the node's details: the very doubles of --json
            String last = names.get(names.size() - 1);
            node(last).click();
            String value = browser.findElement(By.cssSelector("#details dd[data-field=value]")).getText();
            assertThat(read(value)).as(e.getKey()).isEqualTo(expected.get("values").get(last));
            assertThat(browser.findElement(By.cssSelector("#check-verdict")).getText()).isEqualTo("check passed");
        }
    }

    @Test
    void stepBackwardShowsTheAdjointsInBackpropagationOrderWithTheRuleOfEach() throws IOException {
        openCalculator();
        openExample("exam-two-layer.bp");
        List<String> order = List.of("y", "s2", "s1", "r2", "r1", "f", "e", "d", "c", "b", "a", "x2", "x1");
        for (int i = 0; i < order.size(); i++) {
            browser.findElement(By.id("step-backward")).click();
            WebElement step = browser.findElement(By.id("step"));
            String name = order.get(i);
            assertThat(step.getAttribute("data-step")).as("step " + (i + 1)).isEqualTo(name);
            assertThat(step.getText()).startsWith("backward step " + (i + 1) + " of 13: " + name);
            assertThat(node(name).findElement(By.cssSelector("text.adjoint")).getText()).doesNotEndWith("?");
            if (i + 1 < order.size()) {
                assertThat(node(order.get(i + 1)).findElement(By.cssSelector("text.adjoint")).getText()).endsWith("?");
            }
        }
        // the rules, as a worked solution writes them (docs/grad-language.md's exam)
        assertThat(ruleAt(order, "y")).contains("dy/dy = 1");
        assertThat(ruleAt(order, "s1")).contains("dy/ds1 = 1   (y = s1 + s2)");
        assertThat(ruleAt(order, "r1")).contains("dy/dr1 = dy/ds1 * ds1/dr1 = 1 * 0.104993585404 = 0.104993585404")
                .contains("ds1/dr1 = a * s1 * (1 - s1) = 1 * 0.880797077978 * (1 - 0.880797077978) = 0.104993585404");
        assertThat(ruleAt(order, "a")).contains("dy/da = dy/ds1 * ds1/da = 1 * 0.209987170807 = 0.209987170807");
        assertThat(ruleAt(order, "x1")).contains("dy/dx1 = dy/dr1 * dr1/dx1 + dy/dr2 * dr2/dx1 = 0.104993585404 * 4 + 0.25 * 0 = 0.419974341614");
        screenshotMidway(order);
    }

    @Test
    void editingAParameterUpdatesEveryGradient() {
        openCalculator();
        openExample("exam-two-layer.bp");
        String before = node("a").findElement(By.cssSelector("text.adjoint")).getText();
        WebElement field = browser.findElement(By.cssSelector("input[data-leaf=a]"));
        field.clear();
        field.sendKeys("2\n");
        browser.findElement(By.id("program")).click();      // the change event
        String program = Playground.examples().get("exam-two-layer.bp").replace("param a = 1,", "param a = 2,");
        JsonNode expected = Playground.gradJson("exam-two-layer.bp", program);
        wait.until(d -> !node("a").findElement(By.cssSelector("text.adjoint")).getText().equals(before));
        for (String name : List.of("a", "c", "e", "x1", "x2", "s1", "y")) {
            assertShown(name, node(name).findElement(By.cssSelector("text.adjoint")).getText(), "dy/d" + name + " ",
                    expected.get("gradients").get(name));
        }
        assertShown("y", node("y").findElement(By.cssSelector("text.value")).getText(), "value ", expected.get("values").get("y"));
    }

    @Test
    void aSyntaxErrorIsShownAtItsLineWithTheCommandsMessage() {
        openCalculator();
        openExample("exam-two-layer.bp");
        String program = "input x = 1\nparam w = 2\ny = w * (x +\n";
        WebElement editor = browser.findElement(By.id("program"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = ''", editor);
        editor.sendKeys(program);
        WebElement error = wait.until(d -> {
            WebElement e = d.findElement(By.id("error"));
            return e.isDisplayed() ? e : null;
        });
        String cli = Playground.cliMessage(() -> Parser.parse(Source.of(Path.of("exam-two-layer.bp"), program)));
        assertThat(cli).startsWith("exam-two-layer.bp:3:");
        wait.until(d -> error.getText().equals(cli.strip()) || error.getText().equals(cli));
        assertThat(error.getAttribute("data-line")).isEqualTo("3");
        assertThat(browser.findElement(By.id("error-line")).getText()).isEqualTo("3");
    }

    @Test
    void theRunsPageShowsAFinishedRunAndFollowsALiveOne() throws IOException {
        browser.get(playground.url("/runs#" + Playground.FINISHED));
        wait.until(d -> d.findElements(By.cssSelector("#confusion td")).size() == 9);
        assertThat(browser.findElement(By.id("run-status")).getText()).isEqualTo("finished");
        assertThat(browser.findElements(By.cssSelector("svg[data-chart=loss] circle.train"))).hasSize(12);
        assertThat(browser.findElement(By.cssSelector("#architecture .arch")).getText()).contains("Linear(4, 16)").contains("Linear(16, 3)");
        assertThat(browser.findElement(By.cssSelector("#options td[data-key=lr]")).getText()).isEqualTo("0.01");
        screenshot("serve-runs.png");

        browser.get(playground.url("/runs#" + Playground.LIVE));
        wait.until(d -> d.findElement(By.id("run-status")).getText().equals("running"));
        wait.until(d -> d.findElements(By.cssSelector("svg[data-chart=loss] circle.train")).size() == 1);
        playground.writeLive(2);
        wait.until(d -> d.findElements(By.cssSelector("svg[data-chart=loss] circle.train")).size() == 2);
        playground.writeLive(5);
        wait.until(d -> d.findElements(By.cssSelector("svg[data-chart=accuracy] circle.test")).size() == 5);
        playground.finishLive();
        wait.until(d -> d.findElement(By.id("run-status")).getText().equals("finished"));
        wait.until(d -> d.findElements(By.cssSelector("#confusion td")).size() == 9);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static void openCalculator() {
        browser.get(playground.url("/calc"));
        wait.until(d -> !d.findElements(By.cssSelector("#graph-svg g.node")).isEmpty());
    }

    private static void openExample(String name) {
        String before = svgIdentity();
        browser.findElement(By.cssSelector("button[data-example='" + name + "']")).click();
        wait.until(d -> browser.findElement(By.cssSelector("button[data-example='" + name + "']")).getAttribute("class").contains("active")
                && !svgIdentity().equals(before) && !d.findElements(By.cssSelector("#graph-svg g.node")).isEmpty());
    }

    /** Changes whenever the graph is drawn again: the page replaces the svg element. */
    private static String svgIdentity() {
        Object id = ((JavascriptExecutor) browser).executeScript(
                "const s = document.getElementById('graph-svg'); if (!s) return 'none';"
                        + " s.dataset.seen = s.dataset.seen || String(Math.random()); return s.dataset.seen;");
        return String.valueOf(id);
    }

    private static WebElement node(String name) {
        return browser.findElement(By.cssSelector("#graph-svg g.node[data-name='" + name + "']"));
    }

    private static String ruleAt(List<String> order, String name) {
        browser.findElement(By.id("show-all")).click();
        for (int i = 0; i <= order.indexOf(name); i++) {
            browser.findElement(By.id("step-backward")).click();
        }
        return browser.findElement(By.id("step")).getText();
    }

    /** Shows the page at backward step 5 (r1), r1 selected: the screenshot of the README. */
    private static void screenshotMidway(List<String> order) throws IOException {
        ruleAt(order, "r1");
        node("r1").click();
        screenshot("serve-calculator.png");
    }

    /**
     * A label {@code PREFIX NUMBERS} against --json's value: at least 4 significant digits (the page
     * shows 6), every element shown; a long vector ends in an ellipsis after its shown elements.
     */
    private static void assertShown(String what, String label, String prefix, JsonNode expected) {
        assertThat(label).as(what).startsWith(prefix);
        String shown = label.substring(prefix.length()).replace("[", " ").replace("]", " ").replace("…", "");
        List<Double> want = new ArrayList<>();
        flatten(expected, want);
        String[] parts = shown.trim().split("\\s*,\\s*");
        boolean cut = label.endsWith("…");
        int complete = cut ? parts.length - 1 : parts.length;
        assertThat(complete).as(what + ": " + label).isGreaterThan(0);
        if (!cut) {
            assertThat(parts).as(what + ": " + label).hasSize(want.size());
        }
        for (int i = 0; i < complete; i++) {
            double v = Double.parseDouble(parts[i].trim());
            double w = want.get(i);
            assertThat(v).as(what + "[" + i + "]: " + label).isCloseTo(w, within(Math.abs(w) * 1e-4 + 1e-12));
        }
    }

    private static void flatten(JsonNode v, List<Double> out) {
        if (v.isArray()) {
            v.forEach(x -> flatten(x, out));
        } else {
            out.add(v.asDouble());
        }
    }

    private static JsonNode read(String json) {
        try {
            return Calculator.JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static void screenshot(String name) throws IOException {
        String folder = System.getProperty("serve.screenshots");
        Path dir = Files.createDirectories(folder != null ? Path.of(folder) : Path.of("target/screenshots"));
        Files.write(dir.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    }
}
