package backprop.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ComputePoolTest {
    private final ComputePool pool = new ComputePool(3);

    @AfterEach
    void shutDown() {
        pool.shutdown();
    }

    @Test
    void everyPartRunsOnceOnAsManyThreadsAsThereAre() {
        for (int parts = 1; parts <= 7; parts++) {
            AtomicIntegerArray runs = new AtomicIntegerArray(parts);
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            pool.run(parts, p -> {
                runs.incrementAndGet(p);
                threads.add(Thread.currentThread());
            });
            for (int p = 0; p < parts; p++) {
                assertThat(runs.get(p)).as("part %d of %d", p, parts).isEqualTo(1);
            }
            assertThat(threads).hasSizeLessThanOrEqualTo(Math.min(parts, 3)).contains(Thread.currentThread());
        }
    }

    /** Past the spin, the worker parks; a later call must wake it. */
    @Test
    void parkedWorkersWakeForTheNextCall() throws InterruptedException {
        for (int call = 0; call < 3; call++) {
            Thread.sleep(ComputePool.SPIN_NANOS / 1_000_000 + 20);
            AtomicIntegerArray runs = new AtomicIntegerArray(3);
            pool.run(3, runs::incrementAndGet);
            assertThat(runs.toString()).isEqualTo("[1, 1, 1]");
        }
    }

    @Test
    void aWorkersFailureReachesTheCallerAfterEveryPartHasEnded() {
        AtomicIntegerArray runs = new AtomicIntegerArray(3);
        assertThatThrownBy(() -> pool.run(3, p -> {
            runs.incrementAndGet(p);
            if (p == 2) {
                throw new IllegalStateException("part 2 failed");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("part 2 failed");
        assertThat(runs.toString()).isEqualTo("[1, 1, 1]");
        AtomicIntegerArray again = new AtomicIntegerArray(3);
        pool.run(3, again::incrementAndGet);
        assertThat(again.toString()).as("the pool still works").isEqualTo("[1, 1, 1]");
    }

    /** A second caller while the pool is busy does its parts itself instead of waiting or mixing in. */
    @Test
    void aSecondCallerRunsItsPartsItself() throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread first = new Thread(() -> pool.run(2, p -> {
            if (p == 0) {
                inside.countDown();
                await(release);
            }
        }));
        first.start();
        inside.await();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        pool.run(3, p -> threads.add(Thread.currentThread()));
        assertThat(threads).containsExactly(Thread.currentThread());
        release.countDown();
        first.join();
    }

    @Test
    void anInterruptedCallerWaitsForItsPartsAndKeepsTheInterrupt() {
        AtomicIntegerArray runs = new AtomicIntegerArray(2);
        Thread.currentThread().interrupt();
        try {
            pool.run(2, p -> {
                if (p == 1) {
                    sleep(ComputePool.SPIN_NANOS / 1_000_000 + 30);
                }
                runs.incrementAndGet(p);
            });
            assertThat(runs.toString()).isEqualTo("[1, 1]");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void sleep(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
