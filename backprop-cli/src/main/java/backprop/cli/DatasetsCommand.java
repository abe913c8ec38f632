package backprop.cli;

import backprop.data.DataOptions;
import backprop.data.DataSources;
import backprop.data.SourceInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code backprop datasets}: the built-in data sources, where each is read from, and how to get a missing one. */
@Command(name = "datasets", mixinStandardHelpOptions = true,
        description = {"Lists the built-in data sources: what each is, its size, where it is read from, and how to get a missing one.",
            "Exit status: 0 success; 2 bad usage."})
public final class DatasetsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where to look for fashion-mnist and mnist IDX files, as train's --data-dir.")
    Path dataDir;

    @Override
    public Integer call() {
        DataOptions options = DataOptions.DEFAULTS.withEnvironment(System.getenv());
        if (dataDir != null) {
            options = options.withDataDir(dataDir);
        }
        PrintWriter out = spec.commandLine().getOut();
        int width = DataSources.BUILTIN.stream().mapToInt(String::length).max().orElse(0) + 2;
        String indent = " ".repeat(width);
        for (SourceInfo s : DataSources.list(options)) {
            out.printf("%-" + width + "s%s%n", s.name(), s.description());
            out.printf("%s%s%n", indent, s.size());
            if (s.available()) {
                out.printf("%sread from: %s%n", indent, s.location());
            } else {
                out.printf("%snot available: %s%n", indent, s.location());
                out.printf("%s%s%n", indent, DataSources.howToGet(s.name()));
            }
        }
        out.flush();
        return 0;
    }
}
