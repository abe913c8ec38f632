package backprop.cli;

import backprop.InputException;
import backprop.train.DivergenceException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/**
 * Entry point of {@code backprop}. Exit statuses: 0 success; 1 a run that failed (a failed
 * check, an undefined value, a diverged training) or a bug; 2 bad input or usage.
 *
 * <p>Bad input ({@link InputException}) is its message alone on standard error; anything else
 * that escapes is our bug, shown with its stack trace. {@code --debug} shows the stack trace of
 * bad input too.
 */
public final class Main {
    /** Exit status for a run that failed, and for our own bugs. */
    public static final int FAILED = 1;
    /** Exit status for bad input or usage. */
    public static final int BAD_INPUT = 2;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status instead of exiting (for tests). */
    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The configured command line with every subcommand: exit codes and exception handling as in the class comment. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for these arguments. Picocli reflects over every option of every subcommand
     * it is given, which took four fifths of the calculator's start-up, so when the first argument
     * names a subcommand that one alone is added; anything else (usage, --help, a typo) gets all.
     */
    static CommandLine commandLine(String... arguments) {
        String first = arguments.length > 0 ? arguments[0] : "";
        boolean named = false;
        for (Class<?> subcommand : BackpropCommand.SUBCOMMANDS) {   // a loop, not a stream: a stream's first use costs ~40 ms of start-up
            named |= name(subcommand).equals(first);
        }
        CommandLine cl = new CommandLine(new BackpropCommand());
        for (Class<?> subcommand : BackpropCommand.SUBCOMMANDS) {
            if (!named || name(subcommand).equals(first)) {
                cl.addSubcommand(subcommand);
            }
        }
        CommandLine grad = cl.getSubcommands().get("grad");
        if (grad != null) {
            GradCommand.describeFunctions(grad.getCommandSpec());
        }
        return configure(cl);
    }

    /**
     * Gives {@code cl} the exit codes and exception handling of the class comment: for this
     * command, and for the Spark trainer of backprop-spark, which behaves the same.
     */
    public static CommandLine configure(CommandLine cl) {
        cl.setExitCodeExceptionMapper(e -> e instanceof InputException ? BAD_INPUT : FAILED);
        cl.setExecutionExceptionHandler(Main::handle);
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

    private static String name(Class<?> subcommand) {
        return subcommand.getAnnotation(Command.class).name();
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
