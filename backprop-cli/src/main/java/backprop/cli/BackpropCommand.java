package backprop.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
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
        versionProvider = BackpropCommand.Version.class,
        description = "Neural networks trained by backpropagation, and a gradient calculator.")
public final class BackpropCommand implements Runnable {
    /** The subcommands, in the order usage lists them; {@link Main#commandLine} adds them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            TrainCommand.class,
            EvaluateCommand.class,
            PredictCommand.class,
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

    /** {@code backprop <version>}, for reports. */
    static String version() {
        try {
            return new Version().getVersion()[0];
        } catch (IOException e) {
            return "backprop (unknown version)";
        }
    }

    /** The project version, written into {@code version.properties} by the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = BackpropCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"backprop " + p.getProperty("version", "(unknown version)")};
        }
    }
}
