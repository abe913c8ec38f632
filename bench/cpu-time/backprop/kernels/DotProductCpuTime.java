package backprop.kernels;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/** CPU time per call of C = A B^T with few columns: OpenBLAS (one thread, as forShape picks it) against DotProductKernel, alternating. */
public class DotProductCpuTime {
    public static void main(String[] args) throws Exception {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        Kernels blas = (Kernels) Class.forName("backprop.blas.BlasKernels").getConstructor().newInstance();
        blas.setThreads(1);
        int[][] shapes = {{128, 10, 784}, {128, 10, 128}, {32, 10, 128}, {128, 1, 784}, {128, 3, 784}, {128, 15, 256}, {1024, 10, 784}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            SplittableRandom r = new SplittableRandom(1);
            float[] a = new float[m * k], b = new float[n * k], c = new float[m * n], c2 = new float[m * n];
            for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
            for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
            long flops = 2L * m * n * k;
            // enough calls that C2 compiles the kernels whole, as a run does, not only their loops; fewer for the largest products
            int reps = (int) Math.min(2000, Math.max(20, 4e9 / flops));
            double[] old = new double[7], neu = new double[7];
            for (int round = 0; round < 10; round++) {
                long t0 = t.getCurrentThreadCpuTime();
                for (int i = 0; i < reps; i++) blas.sgemm(false, true, m, n, k, a, b, 0f, c);
                long t1 = t.getCurrentThreadCpuTime();
                for (int i = 0; i < reps; i++) DotProductKernel.multiply(n, k, a, b, 0f, c2, 0, m, 0, n);
                long t2 = t.getCurrentThreadCpuTime();
                if (round >= 3) { old[round - 3] = flops * reps / (double) (t1 - t0); neu[round - 3] = flops * reps / (double) (t2 - t1); }
            }
            double maxDiff = 0;
            for (int i = 0; i < c.length; i++) maxDiff = Math.max(maxDiff, Math.abs(c[i] - c2[i]) / (1 + Math.abs(c[i])));
            Arrays.sort(old); Arrays.sort(neu);
            System.out.printf("NT %dx%dx%d  openblas %.1f  dot %.1f GFLOP/s (cpu)  ratio %.2f  us/call %.1f -> %.1f  maxrel %.1e%n", m, n, k, old[3], neu[3], neu[3] / old[3], flops / old[3] / 1e3, flops / neu[3] / 1e3, maxDiff);
        }
    }
}
