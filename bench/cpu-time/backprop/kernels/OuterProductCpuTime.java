package backprop.kernels;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/** CPU time per call: VectorMicroKernel (with C cleared, as beta = 0 does) against OuterProductKernel, alternating. */
public class OuterProductCpuTime {
    public static void main(String[] args) {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        int[][] shapes = {{10, 784, 128}, {10, 128, 128}, {10, 128, 32}, {10, 256, 32}, {4, 784, 128}, {12, 784, 128}, {16, 784, 128}, {16, 256, 128},
                {24, 784, 128}, {32, 784, 128}, {32, 256, 32}, {64, 784, 128}, {128, 784, 128}, {256, 784, 128}, {128, 256, 128}, {256, 784, 32},
                {10, 784, 4096}, {64, 784, 2048}, {256, 784, 1024}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            SplittableRandom r = new SplittableRandom(1);
            float[] a = new float[k * m], b = new float[k * n], c = new float[m * n];
            for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
            for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
            long flops = 2L * m * n * k;
            // enough calls that C2 compiles the kernels whole, as a run does, not only their loops; fewer for the largest products
            int reps = (int) Math.min(2000, Math.max(20, 4e9 / flops));
            double[] old = new double[7], neu = new double[7];
            for (int round = 0; round < 7 + 3; round++) {
                long t0 = t.getCurrentThreadCpuTime();
                for (int i = 0; i < reps; i++) { Arrays.fill(c, 0f); VectorMicroKernel.multiply(true, false, m, n, k, a, b, c, 0, m, 0, n); }
                long t1 = t.getCurrentThreadCpuTime();
                for (int i = 0; i < reps; i++) { OuterProductKernel.multiply(m, n, k, a, b, 0f, c, 0, m, 0, n); }
                long t2 = t.getCurrentThreadCpuTime();
                if (round >= 3) { old[round - 3] = flops * reps / (double) (t1 - t0); neu[round - 3] = flops * reps / (double) (t2 - t1); }
            }
            Arrays.sort(old); Arrays.sort(neu);
            System.out.printf("TN %dx%dx%d  packed %.1f  outer %.1f GFLOP/s (cpu)  ratio %.2f  us/call %.1f -> %.1f%n", m, n, k, old[3], neu[3], neu[3] / old[3], flops / old[3] / 1e3, flops / neu[3] / 1e3);
        }
    }
}
