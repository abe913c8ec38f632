import backprop.autograd.Workspace;
import backprop.kernels.Kernels;
import backprop.nn.Activation;
import backprop.nn.Loss;
import backprop.nn.Mlp;
import backprop.nn.Sequential;
import backprop.optim.Adam;
import backprop.optim.Optimizer;
import backprop.optim.Sgd;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Thread CPU microseconds per training step at one thread: W1, W2, W3 on a fixed random batch. */
public class StepCpuTime {
    public static void main(String[] args) {
        Kernels.get().setThreads(1);
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        for (String w : args) {
            int batch = w.equals("W2") ? 32 : 128;
            List<Integer> hidden = w.equals("W3") ? List.of() : List.of(256, 128);
            SplittableRandom rng = new SplittableRandom(1);
            Sequential model = new Mlp(784, hidden, 10, Activation.RELU, 0).build(DType.FLOAT32, rng, rng);
            Optimizer opt = w.equals("W3") ? new Sgd(model.parameters(), 0.1) : new Adam(model.parameters(), 1e-3);
            Tensor x = Tensor.uniform(rng, 0, 1, DType.FLOAT32, batch, 784);
            int[] labels = rng.ints(batch, 0, 10).toArray();
            Workspace workspace = new Workspace();
            int steps = w.equals("W3") ? 4000 : 1000;
            double[] us = new double[9];
            for (int round = 0; round < 3 + us.length; round++) {
                long t0 = t.getCurrentThreadCpuTime();
                for (int s = 0; s < steps; s++) {
                    try (var reuse = workspace.step()) {
                        opt.zeroGrad();
                        Tensor loss = Loss.crossEntropy(model.forward(x), labels);
                        loss.backward();
                        opt.step();
                    }
                }
                if (round >= 3) us[round - 3] = (t.getCurrentThreadCpuTime() - t0) / 1e3 / steps;
            }
            Arrays.sort(us);
            System.out.printf("%s cpu us/step median %.1f (min %.1f max %.1f)%n", w, us[us.length / 2], us[0], us[us.length - 1]);
        }
    }
}
