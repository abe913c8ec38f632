package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GradcheckCommandTest {
    @TempDir
    static Path dir;
    static Path regression;

    @BeforeAll
    static void writeRegressionData() throws IOException {
        regression = Fixtures.regressionCsv(dir.resolve("regression.csv"), 30);
    }

    /** Every activation x loss x depth the CLI builds, each loss on data it fits. */
    static List<Arguments> networks() {
        List<Arguments> all = new ArrayList<>();
        for (String activation : List.of("relu", "sigmoid", "tanh")) {
            for (String loss : List.of("cross-entropy", "bce", "logistic", "mse")) {
                for (String hidden : List.of("", "8", "8,6")) {
                    all.add(Arguments.of(activation, loss, hidden));
                }
            }
        }
        return all;
    }

    @ParameterizedTest(name = "{0} {1} hidden \"{2}\"")
    @MethodSource("networks")
    void backpropAgreesWithFiniteDifferences(String activation, String loss, String hidden) {
        String data = switch (loss) {
            case "cross-entropy" -> "iris";
            case "bce", "logistic" -> "xor";
            default -> regression.toString();
        };
        Cli run = Cli.run("gradcheck", "--data", data, "--activation", activation, "--loss", loss, "--hidden", hidden,
                "--dropout", "0.5");
        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.out()).contains("preconditions: float64 arithmetic; dropout off")
                .contains("a fixed batch of the first 8 rows").contains("passed: every error <= 1.0e-06");
        int layers = hidden.isEmpty() ? 1 : hidden.split(",").length + 1;
        assertThat(run.out().lines().filter(l -> l.matches("\\d+\\.(weight|bias) .*"))).hasSize(2 * layers);
    }

    @Test
    void checksASavedModelOnItsTrainingRowsSamplingLargeTensors() {
        Path model = Fixtures.train(dir.resolve("digits"), "--data", "digits");
        Cli run = Cli.run("gradcheck", "--model", model.toString(), "--samples", "5");
        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.out()).contains("the saved weights converted").contains("of the training split (1,438 of 1,797 rows")
                .containsPattern("0\\.weight +\\[16,64] +5 of 1024 ")
                .containsPattern("    sampled: (\\[\\d+,\\d+] ){4}\\[\\d+,\\d+]\n")
                .containsPattern("2\\.bias +\\[10] +5 of 10 ");
    }

    @Test
    void anErrorAboveTheToleranceFailsWithStatusOne() {
        Cli run = Cli.run("gradcheck", "--data", "iris", "--tolerance", "1e-30");
        assertThat(run.status()).isEqualTo(Main.FAILED);
        assertThat(run.err()).startsWith("gradcheck: FAILED: error ").contains("exceeds --tolerance 1.0e-30");
    }

    @Test
    void refusesOptionsItWouldIgnore() {
        Cli dtype = Cli.run("gradcheck", "--data", "iris", "--dtype", "float32");
        assertThat(dtype.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(dtype.err()).startsWith("--dtype: gradcheck always runs in float64");
        Cli hidden = Cli.run("gradcheck", "--model", dir.resolve("digits").toString(), "--hidden", "3");
        assertThat(hidden.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(hidden.err()).startsWith("--hidden: ");
    }

    /** Issue 17: a loss that is not a number has no derivatives to compare, so no verdict but a failure naming it. */
    @Test
    void aLossThatIsNotFiniteFailsInsteadOfPassing() {
        backprop.nn.Linear huge = new backprop.nn.Linear(4, 3, true, backprop.nn.Init.PYTORCH, backprop.tensor.DType.FLOAT64,
                new java.util.SplittableRandom(1));
        try (var noGrad = backprop.autograd.GradMode.disabled()) {
            java.util.Arrays.fill(huge.namedParameters().get("weight").doubleData(), Double.MAX_VALUE);
        }
        Path model = dir.resolve("huge");
        backprop.io.ModelFile.save(model, backprop.io.SavedModel.of(huge, backprop.train.Objective.CROSS_ENTROPY,
                List.of("sepal_length", "sepal_width", "petal_length", "petal_width"), List.of("setosa", "versicolor", "virginica")));
        Cli run = Cli.run("gradcheck", "--model", model.toString(), "--data", "iris");
        assertThat(run.status()).as(run.toString()).isEqualTo(Main.FAILED);
        assertThat(run.err()).startsWith("gradcheck: FAILED: the loss is ").contains("no derivative of it can be checked")
                .doesNotContain("passed");
        assertThat(run.out()).doesNotContain("passed");
    }
}
