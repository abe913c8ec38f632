package backprop.app;

import backprop.InputException;
import backprop.train.DivergenceException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The exit statuses of the backprop commands, and the one place that turns what a command throws
 * into one: 0 success; 1 a run that failed (a failed check, an undefined value, a diverged
 * training) or a bug; 2 bad input or usage.
 *
 * <p>Bad input ({@link InputException}) is its message alone on standard error; anything else
 * that escapes is our bug, shown with its stack trace. {@code --debug} shows the stack trace of
 * bad input too.
 */
public final class ExitStatus {
    /** Exit status for a run that failed, and for our own bugs. */
    public static final int FAILED = 1;
    /** Exit status for bad input or usage. */
    public static final int BAD_INPUT = 2;

    private ExitStatus() {}

    /** Gives {@code cl} the exit statuses and error handling of the class comment; returns it. */
    public static CommandLine configure(CommandLine cl) {
        cl.setExitCodeExceptionMapper(e -> e instanceof InputException ? BAD_INPUT : FAILED);
        cl.setExecutionExceptionHandler(ExitStatus::handle);
        cl.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("backprop: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return BAD_INPUT;
        });
        return cl;
    }

    private static int handle(Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean debug = debugRequested(parsed);
        if (e instanceof InputException) {
            if (debug) {
                e.printStackTrace(err);     // the trace starts with the message
            } else {
                err.println(e.getMessage());
            }
            return BAD_INPUT;
        }
        if (e instanceof DivergenceException) {
            err.println("backprop: " + e.getMessage());
            err.println("backprop: the last good epoch is saved in the run's checkpoint folder");
            return FAILED;
        }
        err.println("backprop: internal error (a bug; please report it with the command and its input):");
        e.printStackTrace(err);
        return FAILED;
    }

    private static boolean debugRequested(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
