package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsCommandTest {
    @TempDir
    Path empty;

    @Test
    void listsEveryBuiltInSourceWithWhereItIsReadFrom() {
        Cli run = Cli.run("datasets");
        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.out()).contains("digits ").contains("1,797 rows, 64 features, 10 classes").contains("read from: built in")
                .contains("iris ").contains("xor ").contains("read from: generated from --seed")
                .contains("spirals ").contains("fashion-mnist ").contains("mnist ");
    }

    @Test
    void saysWhereItLookedAndHowToGetAMissingSource() {
        Cli run = Cli.run("datasets", "--data-dir", empty.toString());
        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.out()).contains("not available: not found; looked in " + empty)
                .contains("apt-get install dataset-fashion-mnist").contains("or pass --data-dir DIR");
    }
}
