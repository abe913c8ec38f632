package backprop.serve;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.calc.Parser;
import backprop.calc.Source;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server over HTTP: what it answers, and that every bad request gets a 4xx with a message and
 * leaves it serving. The limits are the defaults but for a 1 s time limit, to keep the test short.
 */
class ServerTest {
    @TempDir
    static Path temp;
    static Playground playground;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws IOException {
        playground = new Playground(temp, Limits.DEFAULTS.withTimeLimit(Duration.ofSeconds(1)));
    }

    @AfterAll
    static void stop() {
        playground.close();
    }

    /** After every test, bad or not, the pages and the calculator still answer. */
    @AfterEach
    void stillServes() throws Exception {
        assertThat(get("/calc").statusCode()).isEqualTo(200);
        assertThat(post("{\"program\": \"input x = 3\\ny = x * x\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void everyExampleAnswersWhatGradJsonPrints() throws Exception {
        Map<String, String> examples = Playground.examples();
        assertThat(examples).containsKey("exam-two-layer.bp").hasSizeGreaterThanOrEqualTo(7);
        for (var e : examples.entrySet()) {
            HttpResponse<String> r = post(Calculator.JSON.createObjectNode().put("program", e.getValue()).put("file", e.getKey()).toString());
            assertThat(r.statusCode()).as(e.getKey() + ": " + r.body()).isEqualTo(200);
            JsonNode answer = Calculator.JSON.readTree(r.body());
            JsonNode expected = Playground.gradJson(e.getKey(), e.getValue());
            assertThat(answer.get("report")).as(e.getKey()).isEqualTo(expected);
            assertThat(Calculator.JSON.readTree(answer.get("json").asText())).isEqualTo(expected);
            assertThat(answer.path("check").path("passed").asBoolean()).as(e.getKey()).isTrue();
        }
    }

    @Test
    void aSyntaxErrorIsA422WithTheCommandsMessageLineAndColumn() throws Exception {
        String program = "input x = 1\ny = x *\n";
        HttpResponse<String> r = post(Calculator.JSON.createObjectNode().put("program", program).put("file", "bad.bp").toString());
        assertThat(r.statusCode()).isEqualTo(422);
        JsonNode body = Calculator.JSON.readTree(r.body());
        String cli = Playground.cliMessage(() -> Parser.parse(Source.of(Path.of("bad.bp"), program)));
        assertThat(body.get("error").asText()).isEqualTo(cli).startsWith("bad.bp:2:");
        assertThat(body.get("line").asInt()).isEqualTo(2);
        assertThat(body.get("kind").asText()).isEqualTo("input");
    }

    @Test
    void anUndefinedValueIsA422NamingTheNode() throws Exception {
        HttpResponse<String> r = post("{\"program\": \"input x = 0\\ny = log(x)\"}");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(Calculator.JSON.readTree(r.body()).get("error").asText()).contains("undefined value in 'y' (line 2");
    }

    @Test
    void editedValuesReplaceTheWrittenOnes() throws Exception {
        HttpResponse<String> r = post("{\"program\": \"param a = 1\\ninput x = [1, 2]\\ny = sum(a * x * x)\","
                + " \"values\": {\"a\": 3, \"x\": [2, 5]}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode report = Calculator.JSON.readTree(r.body()).get("report");
        assertThat(report.get("values").get("y").asDouble()).isEqualTo(3 * (4 + 25));
        assertThat(report.get("gradients").get("a").asDouble()).isEqualTo(29);
    }

    @Test
    void malformedRequestsAre400WithAMessage() throws Exception {
        for (String body : new String[] {"{\"program\": ", "[1, 2]", "{\"program\": 3}", "{}", "null",
            "{\"program\": \"input x = 1\", \"values\": {\"nope\": 1}}",
            "{\"program\": \"input x = 1\", \"values\": {\"x\": \"1\"}}",
            "{\"program\": \"input x = 1\", \"check\": \"yes\"}"}) {
            HttpResponse<String> r = post(body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(Calculator.JSON.readTree(r.body()).get("error").asText()).as(body).isNotBlank();
        }
    }

    @Test
    void anOversizedProgramIs413BeforeItIsRead() throws Exception {
        String program = "input x = 1\n" + "# padding\n".repeat(10_000);
        HttpResponse<String> r = post(Calculator.JSON.createObjectNode().put("program", program).toString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("larger than 64 KiB");
    }

    @Test
    void aProgramThatWouldTakeMinutesIsStoppedAtTheTimeLimit() throws Exception {
        // a 1500 x 1500 matrix from a column and a row (broadcasting), then products of it: each
        // product is 3.4e9 multiply-adds, seconds in pure Java, and there are twenty
        int n = 1500;
        StringBuilder p = new StringBuilder("const col = [").append("[1], ".repeat(n - 1)).append("[1]]\n")
                .append("const row = [").append("0.001, ".repeat(n - 1)).append("0.001]\n")
                .append("param W = col * row\nh0 = W\n");
        for (int i = 1; i <= 20; i++) {
            p.append("h").append(i).append(" = tanh(h").append(i - 1).append(" @ W)\n");
        }
        p.append("y = sum(h20)\n");
        long start = System.nanoTime();
        HttpResponse<String> r = post(Calculator.JSON.createObjectNode().put("program", p.toString()).toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(Calculator.JSON.readTree(r.body()).get("error").asText()).startsWith("the program ran longer than 1 s");
        assertThat(seconds).as("answered at the limit, not at the end").isLessThan(5);
    }

    @Test
    void aProgramWhoseTensorsPassTheAllocationLimitIsStopped(@TempDir Path other) throws Exception {
        // 4000 x 4000 doubles are 128 MB each: the second passes 256 MiB. A time limit of its own,
        // so that a loaded machine cannot make the time limit answer first.
        int n = 4000;
        StringBuilder p = new StringBuilder("input col = [").append("[1], ".repeat(n - 1)).append("[1]]\n")
                .append("input row = [").append("1, ".repeat(n - 1)).append("1]\nm0 = col + row\n");
        for (int i = 1; i <= 4; i++) {
            p.append("m").append(i).append(" = m").append(i - 1).append(" + row\n");
        }
        p.append("y = sum(m4)\n");
        try (Playground patient = new Playground(other, Limits.DEFAULTS.withTimeLimit(Duration.ofSeconds(60)))) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(patient.url("/api/grad")))
                    .POST(HttpRequest.BodyPublishers.ofString(Calculator.JSON.createObjectNode().put("program", p.toString()).toString()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
            assertThat(Calculator.JSON.readTree(r.body()).get("error").asText()).startsWith("the program's tensors need more than 256 MiB");
        }
    }

    @Test
    void noPathLeavesTheResourcesOrTheRunsFolder() throws Exception {
        Files.writeString(temp.resolve("secret.txt"), "TOP SECRET CONTENT");
        Path outside = Files.createDirectories(temp.resolve("outside-run"));
        Files.writeString(outside.resolve("metrics.json"), "{\"TOP SECRET CONTENT\": true}");
        Files.createSymbolicLink(playground.runs.resolve("linked"), outside);
        for (String path : new String[] {"/static/../../secret.txt", "/static/..%2F..%2Fsecret.txt", "/../secret.txt",
            "/static/%2e%2e/%2e%2e/pom.xml", "/api/runs/..%2Fsecret.txt", "/api/runs/..", "/api/runs/%2e%2e",
            "/api/runs/..%2F..%2Foutside-run", "/api/runs/linked", "/api/runs/iris-finished%2F..%2F..%2Foutside-run",
            "/static/calc.js/../../../pom.xml", "/backprop/serve/PlaygroundServer.class", "/static/vendor/dagre.min.js"}) {
            String[] r = playground.raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertThat(r[0]).as(path).matches("HTTP/1.1 40[04] .*");
            assertThat(r[1]).as(path).doesNotContain("TOP SECRET").contains("\"error\"");
        }
        assertThat(Calculator.JSON.readTree(get("/api/runs").body()).get("runs").toString()).doesNotContain("linked");
    }

    @Test
    void onLoopbackItAnswersOnlyToLoopbackNames() throws Exception {
        String[] r = playground.raw("GET /calc HTTP/1.1\r\nHost: attacker.example:80\r\nConnection: close\r\n\r\n");
        assertThat(r[0]).startsWith("HTTP/1.1 403");
        assertThat(playground.raw("GET /calc HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")[0]).startsWith("HTTP/1.1 200");
    }

    @Test
    void wrongMethodsAndUnknownPagesAre4xx() throws Exception {
        assertThat(get("/api/grad").statusCode()).isEqualTo(405);
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        assertThat(get("/api/runs/no-such-run").statusCode()).isEqualTo(404);
        HttpResponse<String> root = HTTP.send(HttpRequest.newBuilder(URI.create(playground.url("/"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(root.statusCode()).isEqualTo(302);
    }

    @Test
    void runsAreListedAndReadWithTheirStatus() throws Exception {
        JsonNode list = Calculator.JSON.readTree(get("/api/runs").body());
        assertThat(list.get("runs").findValuesAsText("name")).contains(Playground.FINISHED, Playground.LIVE);
        JsonNode finished = Calculator.JSON.readTree(get("/api/runs/" + Playground.FINISHED).body());
        assertThat(finished.get("status").asText()).isEqualTo("finished");
        assertThat(finished.get("epochs")).hasSize(12);
        assertThat(finished.get("confusion")).hasSize(3);
        assertThat(finished.get("architecture").get("hidden").get(0).asInt()).isEqualTo(16);
        assertThat(finished.get("options").get("lr").asText()).isEqualTo("0.01");
        JsonNode live = Calculator.JSON.readTree(get("/api/runs/" + Playground.LIVE).body());
        assertThat(live.get("status").asText()).isEqualTo("running");
        assertThat(live.get("epochs")).hasSize(1);
        assertThat(live.get("options").get("epochs").asText()).isEqualTo("12");
    }

    @Test
    void aDamagedRunFileIsReportedNotFatal() throws Exception {
        Path damaged = Files.createDirectories(playground.runs.resolve("damaged"));
        Files.writeString(damaged.resolve("metrics.json"), "{\"epochs\": [");
        HttpResponse<String> r = get("/api/runs/damaged");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Calculator.JSON.readTree(r.body()).get("problems").get(0).asText()).startsWith("metrics.json:");
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(playground.url(path))).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(playground.url("/api/grad")))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
