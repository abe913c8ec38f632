package backprop.cli;

import backprop.InputException;
import backprop.serve.Limits;
import backprop.serve.PlaygroundServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backprop serve}: the calculator and the training runs as pages in the browser
 * (backprop-serve). Runs until it is stopped (Ctrl-C).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves the calculator and the training runs as web pages on this machine (http://127.0.0.1:PORT/).",
            "Runs until stopped (Ctrl-C). Exit status: 2 bad usage or a port in use."})
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8016",
            description = "The port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "runs",
            description = "The folder of training runs the runs page shows, read-only (default: ${DEFAULT-VALUE}).")
    Path runs;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only). Any other lets others "
                    + "on the network run programs here and read the runs: only on a network you trust.")
    String bind;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (port < 0 || port > 65535) {
            throw new InputException("--port " + port + ": not a port; expected 0 to 65535");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new InputException("--bind " + bind + ": unknown address; expected an IP address or a host name of this machine");
        }
        if (!address.isLoopbackAddress()) {
            err.println("backprop serve: WARNING: listening on " + bind + ", not only on this machine: anyone who can reach it "
                    + "can run calculator programs here (within the server's limits) and read the runs in " + runs
                    + "; there is no login. Use --bind 127.0.0.1 unless the network is yours.");
            err.flush();
        }
        PlaygroundServer server;
        try {
            server = PlaygroundServer.start(new InetSocketAddress(address, port), runs, Limits.DEFAULTS);
        } catch (BindException e) {
            throw new InputException("--port " + port + ": cannot listen on " + bind + ":" + port + " (" + e.getMessage()
                    + "); expected a free port: choose another with --port, or --port 0 for any free one");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        out.println("backprop serve: the calculator at " + server.uri() + "calc, the runs in " + runs + " at "
                + server.uri() + "runs; Ctrl-C stops it");
        out.flush();
        stopped.await();
        return 0;
    }
}
