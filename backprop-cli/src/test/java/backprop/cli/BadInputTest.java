package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad flags: exit status 2, one message naming the flag, no stack trace, nothing trained (the flags are checked before any work). */
class BadInputTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--epochs|-3",
        "--epochs|0",
        "--lr|0",
        "--lr|-0.1",
        "--batch-size|0",
        "--optimizer|foo",
        "--hidden|x",
        "--hidden|8,,4",
        "--activation|softsign",
        "--loss|hinge",
        "--dropout|1",
        "--test-fraction|1.5",
        "--momentum|1",
        "--threads|0",
    })
    void trainRefusesWithOneMessageNamingTheFlag(String flag, String value) {
        Path out = dir.resolve("run");
        Cli run = Cli.run("train", "--data", "iris", "--quiet", "--out", out.toString(), flag, value);
        assertThat(run.status()).as(run.toString()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).startsWith(flag + ": ").contains(value).doesNotContain("at backprop.");
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.out()).isEmpty();
        assertThat(out).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "evaluate --split sideways|--split: ",
        "gradcheck --batch-size 0|--batch-size: ",
        "gradcheck --samples 0|--samples: ",
        "gradcheck --data iris --loss mse|--loss: ",
        "train --epochs ten|backprop: Invalid value for option '--epochs'",
        "evaluate --data iris|backprop: Missing required option: '--model=DIR'",
    })
    void otherCommandsRefuseLikewise(String commandLine, String start) {
        Cli run = Cli.run(commandLine.replace("--split", "--model " + dir + " --split").split(" "));
        assertThat(run.status()).as(run.toString()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).startsWith(start).doesNotContain("at backprop.");
    }
}
