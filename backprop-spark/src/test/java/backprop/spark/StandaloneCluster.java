package backprop.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark standalone cluster on loopback: a Master and {@code workers} Workers, each its own JVM
 * started from the Spark jars of the test classpath and bound to 127.0.0.1 only. Workers launch
 * executors from {@code SPARK_HOME/jars}, so SPARK_HOME is a temporary folder whose {@code jars/}
 * links to those same jars. {@link #close} stops every JVM it started, executors included.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path home;
    private final List<Process> processes = new ArrayList<>();
    private final int masterPort;
    private final int masterUiPort;

    private StandaloneCluster(Path home) {
        this.home = home;
        this.masterPort = freePort();
        this.masterUiPort = freePort();
    }

    /** Starts the cluster and waits (bounded) until every worker has registered with the master. */
    static StandaloneCluster start(Path home, int workers) throws IOException, InterruptedException {
        return start(home, workers, "1g");
    }

    /** As {@link #start(Path, int)}, each worker offering {@code memory} (as {@code 2g}) to its executor. */
    static StandaloneCluster start(Path home, int workers, String memory) throws IOException, InterruptedException {
        StandaloneCluster cluster = new StandaloneCluster(home);
        try {
            cluster.linkJars();
            cluster.launch("master", "org.apache.spark.deploy.master.Master",
                    "--host", HOST, "--port", Integer.toString(cluster.masterPort), "--webui-port", Integer.toString(cluster.masterUiPort));
            for (int w = 1; w <= workers; w++) {
                Path work = Files.createDirectories(home.resolve("work-" + w));
                cluster.launch("worker-" + w, "org.apache.spark.deploy.worker.Worker", "--host", HOST, "--cores", "1",
                        "--memory", memory, "--webui-port", Integer.toString(freePort()), "--work-dir", work.toString(), cluster.url());
            }
            cluster.awaitWorkers(workers);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The master's URL for {@code SparkSession.builder().master(...)}. */
    String url() {
        return "spark://" + HOST + ":" + masterPort;
    }

    /**
     * A Spark session of an application on this cluster, with one executor of {@code executorMemory}
     * per worker; the application's classes reach the executors as jars: this module's packaged
     * jar (system property {@code backprop.spark.jar}), and from the classpath core's, app's, blas's
     * and the OpenBLAS jars.
     */
    SparkSession session(String name, String executorMemory) {
        try {
            return SparkSession.builder().master(url()).appName(name)
                    .config("spark.driver.host", HOST).config("spark.driver.bindAddress", HOST)
                    .config("spark.ui.enabled", "false").config("spark.executor.memory", executorMemory)
                    .config("spark.jars", String.join(",", applicationJars()))
                    // the kernels backprop train uses: its JVM starts with the Vector API, and so do the executors,
                    // with the collector and young generation bin/backprop gives it (docs/scaling.md: with G1 a
                    // local[2] step computed slower); backprop.spark.executorJavaOptions adds to them (a profiler's agent, say)
                    .config("spark.executor.extraJavaOptions", ("--add-modules=jdk.incubator.vector -XX:+UseParallelGC -Xmn96m "
                            + System.getProperty("backprop.spark.executorJavaOptions", "")).strip())
                    // wait for every executor before the first job, so that work really is spread
                    .config("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                    .config("spark.scheduler.maxRegisteredResourcesWaitingTime", "60s")
                    // a barrier stage rerun after a lost executor waits for its replacement: check often
                    .config("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "2s")
                    .config("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "60")
                    .getOrCreate();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot start the application on the cluster\n" + logs(), e);
        }
    }

    private static List<String> applicationJars() {
        List<String> jars = new ArrayList<>(List.of(System.getProperty("backprop.spark.jar")));
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.matches("(backprop-(core|app|blas)|openblas|javacpp)-.*\\.jar") && !name.contains("tests")) {
                jars.add(entry);
            }
        }
        if (jars.stream().filter(j -> j.contains("backprop-")).count() != 4) {
            throw new IllegalStateException("need this module's jar and core's, app's and blas's on the classpath; found " + jars);
        }
        return jars;
    }

    /**
     * Kills the executor JVMs that worker {@code worker} (1-based) started, as a crash would
     * (SIGKILL); the worker then starts a new one for the application.
     *
     * @return how many it killed
     */
    long killExecutors(int worker) {
        List<ProcessHandle> executors = processes.get(worker).descendants().filter(ProcessHandle::isAlive).toList();
        executors.forEach(ProcessHandle::destroyForcibly);
        return executors.size();
    }

    /** The last lines of every process's log, for a failure message. */
    String logs() {
        StringBuilder s = new StringBuilder();
        try (var files = Files.list(home)) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(log);
                s.append("--- ").append(log.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> s.append(l).append('\n'));
            }
        } catch (IOException e) {
            s.append("(logs unreadable: ").append(e.getMessage()).append(")\n");
        }
        return s.toString();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    /** SPARK_HOME/jars: a link to each jar of this JVM's classpath (Spark and its dependencies among them). */
    private void linkJars() throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(jar) && !Files.exists(jars.resolve(jar.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar.toAbsolutePath());
            }
        }
    }

    private void launch(String name, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(Arrays.asList(System.getProperty("spark.jvm.options", "").split("\\s+")));
        command.add("-cp");
        command.add(home.resolve("jars").toString() + "/*");
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command.stream().filter(s -> !s.isEmpty()).toList());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", HOST);
        env.put("SPARK_LOCAL_HOSTNAME", HOST);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        pb.redirectErrorStream(true).redirectOutput(home.resolve(name + ".log").toFile());
        processes.add(pb.start());
    }

    private void awaitWorkers(int workers) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String json = "";
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a cluster JVM exited with status " + p.exitValue() + "\n" + logs());
                }
            }
            json = masterJson();
            if (aliveWorkers(json) >= workers) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the workers did not register within " + START_TIMEOUT + "; master says " + json + "\n" + logs());
    }

    private static int aliveWorkers(String masterJson) {
        try {
            return masterJson.isEmpty() ? 0 : new com.fasterxml.jackson.databind.ObjectMapper().readTree(masterJson).path("aliveworkers").asInt();
        } catch (IOException e) {
            return 0;
        }
    }

    private String masterJson() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://" + HOST + ":" + masterUiPort + "/json/").toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            try (var in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return "";   // not up yet
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
