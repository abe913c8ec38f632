package backprop.cli;

import backprop.app.Version;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code backprop}: with no subcommand, prints usage. A new subcommand is one class added to
 * {@link #SUBCOMMANDS}.
 */
@Command(name = "backprop",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Neural networks trained by backpropagation, and a gradient calculator.")
public final class BackpropCommand implements Runnable {
    /** The subcommands, in the order usage lists them; {@link Main#commandLine} adds them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            TrainCommand.class,
            EvaluateCommand.class,
            PredictCommand.class,
            ExportCommand.class,
            ImportCommand.class,
            GradCommand.class,
            GradcheckCommand.class,
            DatasetsCommand.class,
            ServeCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces of errors.")
    boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
