package backprop.spark;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** A command line run in this process with its output captured. */
record Run(int status, String out, String err) {
    static Run of(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    static Run sparkTrain(String... args) {
        return of(backprop.app.ExitStatus.configure(new CommandLine(new SparkTrainCommand())), args);
    }

    static Run backprop(String... args) {
        return of(backprop.cli.Main.commandLine(), args);
    }

    @Override
    public String toString() {
        return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
