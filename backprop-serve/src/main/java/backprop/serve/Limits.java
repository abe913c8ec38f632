package backprop.serve;

import java.time.Duration;

/**
 * What one calculator request may use. The command line reads programs from files the user
 * chose, so it needs no limits; a server answers whoever can reach it, so it has these.
 *
 * @param maxProgramBytes the largest request body (the program with its JSON wrapping), in bytes
 * @param timeLimit the longest a program may compute (forward, backward, explanation and check)
 * @param maxAllocatedBytes the most memory one program's computation may allocate in all; this
 *     bounds its tensors' sizes, since everything a program holds was allocated by it
 * @param maxConcurrent how many programs may compute at once; more get 503 (busy)
 */
public record Limits(int maxProgramBytes, Duration timeLimit, long maxAllocatedBytes, int maxConcurrent) {
    /**
     * 64 KiB of program (the examples are below 1 KiB), 2 s, 256 MiB, two at once (the
     * machines this runs on have two cores or more).
     */
    public static final Limits DEFAULTS = new Limits(64 * 1024, Duration.ofSeconds(2), 256L << 20, 2);

    /** Checks that every limit is positive. */
    public Limits {
        if (maxProgramBytes <= 0 || timeLimit.isNegative() || timeLimit.isZero() || maxAllocatedBytes <= 0 || maxConcurrent <= 0) {
            throw new IllegalArgumentException("Limits: every limit must be positive; got " + maxProgramBytes + " bytes, "
                    + timeLimit + ", " + maxAllocatedBytes + " bytes allocated, " + maxConcurrent + " at once");
        }
    }

    /** These limits with another time limit. */
    public Limits withTimeLimit(Duration time) {
        return new Limits(maxProgramBytes, time, maxAllocatedBytes, maxConcurrent);
    }

    /** These limits with another allocation limit. */
    public Limits withMaxAllocatedBytes(long bytes) {
        return new Limits(maxProgramBytes, timeLimit, bytes, maxConcurrent);
    }
}
