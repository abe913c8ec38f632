package backprop.cli;

import backprop.app.ExitStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code backprop}. Exit statuses: 0 success; 1 a run that failed (a failed
 * check, an undefined value, a diverged training) or a bug; 2 bad input or usage; what a
 * command throws becomes one of them in {@link ExitStatus}, which backprop-spark's command shares.
 */
public final class Main {
    /** Exit status for a run that failed, and for our own bugs. */
    public static final int FAILED = ExitStatus.FAILED;
    /** Exit status for bad input or usage. */
    public static final int BAD_INPUT = ExitStatus.BAD_INPUT;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status instead of exiting (for tests). */
    public static int run(String... args) {
        CommandLine cl = commandLine(args);
        int status = cl.execute(args);
        // PrintStream and PrintWriter swallow write errors: a closed pipe or a full disk would still exit 0
        if (cl.getOut().checkError() | System.out.checkError()) {
            System.err.println("backprop: cannot write to standard output (a closed pipe or a full disk); the output is incomplete");
            return status == 0 ? FAILED : status;
        }
        return status;
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
        return ExitStatus.configure(cl);
    }

    private static String name(Class<?> subcommand) {
        return subcommand.getAnnotation(Command.class).name();
    }
}
