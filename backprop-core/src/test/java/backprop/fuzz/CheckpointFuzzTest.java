package backprop.fuzz;

import backprop.io.Checkpoint;
import backprop.io.ModelFile;
import backprop.nn.Init;
import backprop.nn.Linear;
import backprop.nn.Sequential;
import backprop.nn.Tanh;
import backprop.optim.Adam;
import backprop.optim.Optimizer;
import backprop.optim.Sgd;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import backprop.train.EarlyStopping;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The resume reading path on a checkpoint of any bytes: {@link Checkpoint#load}, then restoring
 * into a network and optimizer of a run (as {@code train --resume} does), early stopping's resume
 * from the saved epochs and best weights, and one training step on what was restored. Every
 * input ends in a run that steps or in an input error (see {@link FuzzFiles}); an index error or a
 * NullPointerException from a hand-edited optimizer state is a finding.
 *
 * <p>An input is {@code K TENSORS SEPARATOR JSON}: K picks the optimizer ({@code A} Adam, else
 * SGD with momentum), TENSORS become checkpoint.safetensors and JSON checkpoint.json, with every
 * {@value #SHA} in it replaced by the tensors' SHA-256, so that mutations get past the digest
 * check to the tensors and the fields behind it.
 */
class CheckpointFuzzTest {
    /** Between the tensors and checkpoint.json in an input. */
    static final byte[] SEPARATOR = "\n@json@\n".getBytes(StandardCharsets.UTF_8);
    /** Stands for the tensors' SHA-256 in checkpoint.json. */
    static final String SHA = "@sha@";

    @FuzzTest(maxDuration = "30s")
    void checkpoint(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int at = indexOf(input, SEPARATOR);
        byte[] tensors = at < 0 ? new byte[0] : Arrays.copyOfRange(input, 1, at);
        byte[] json = Arrays.copyOfRange(input, at < 0 ? 1 : at + SEPARATOR.length, input.length);
        Path tensorFile = FuzzFiles.write("run/checkpoint/" + Checkpoint.TENSORS, tensors);
        String state = new String(json, StandardCharsets.UTF_8).replace(SHA, ModelFile.sha256(tensorFile));
        Path folder = FuzzFiles.write("run/checkpoint/" + Checkpoint.STATE, state.getBytes(StandardCharsets.UTF_8)).getParent();
        boolean adam = input[0] == 'A';
        FuzzFiles.readOrRefuse(() -> {
            Checkpoint.Saved saved = Checkpoint.load(folder);
            Sequential network = network();
            Optimizer optimizer = optimizer(network, adam);
            saved.restore(network, optimizer, folder);
            EarlyStopping stopping = new EarlyStopping(2, 0, network);
            stopping.resume(saved.history(), saved.bestWeights());
            stopping.restoreBest();
            optimizer.zeroGrad();
            network.forward(Tensor.ones(DType.FLOAT32, 3, 2)).sum().backward();
            optimizer.step();
        });
    }

    /** The network of the run the seeds were written by: 2 inputs, 3 tanh units, 2 outputs. */
    static Sequential network() {
        SplittableRandom rng = new SplittableRandom(1);
        return new Sequential(new Linear(2, 3, true, Init.PYTORCH, DType.FLOAT32, rng), new Tanh(),
                new Linear(3, 2, true, Init.PYTORCH, DType.FLOAT32, rng));
    }

    static Optimizer optimizer(Sequential network, boolean adam) {
        return adam ? new Adam(network.parameters(), 0.01)
                : new Sgd(network.parameters(), 0.1, Sgd.Options.DEFAULTS.withMomentum(0.9, false));
    }

    private static int indexOf(byte[] input, byte[] part) {
        outer:
        for (int i = 1; i + part.length <= input.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (input[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
