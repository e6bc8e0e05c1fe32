package io.kafkasteps.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Launches the peers and tools as child processes, each with its output in logs/NAME.log and the
 * repository as its working directory, and stops them: one at a time when its run is over, all
 * at once when the orchestrator exits.
 */
final class Processes {

    /** The JVM running the orchestrator, which runs every peer too. */
    final String java = ProcessHandle.current().info().command().orElse("java");
    private final Path repo;
    private final Path work;
    private final Path logs;
    private final String classpath;
    private final int graceSeconds;
    private final List<Process> children = Collections.synchronizedList(new ArrayList<>());

    Processes(Options o) throws IOException {
        repo = o.repo();
        work = o.work();
        logs = o.logs();
        classpath = o.classpath();
        graceSeconds = o.graceSeconds();
        Files.createDirectories(logs);
    }

    /** The log of the process launched as {@code name}. */
    Path log(String name) {
        return logs.resolve(name + ".log");
    }

    /** The log4j 1 configurations the JVMs below are given: log4j-warn.properties and log4j-info.properties. */
    void writeLog4j() throws IOException {
        for (String level : List.of("warn", "info")) {
            Files.writeString(work.resolve("log4j-" + level + ".properties"), String.join("\n",
                    "log4j.rootLogger=" + level.toUpperCase(Locale.ROOT) + ", stdout",
                    "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
                    "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
                    "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
                    "log4j.logger.org.apache.kafka.clients.producer.ProducerConfig=INFO",
                    ""));
        }
    }

    /** {@code java -cp} the harness's classpath, logging at {@code level} ("warn" or "info"), of {@code main} with {@code args}. */
    List<String> java(String level, String main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java, "-Dlog4j.configuration=file:" + work.resolve("log4j-" + level + ".properties"),
                "-cp", classpath, main));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts {@code cmd} with {@code env} added to this environment (without JAVA_TOOL_OPTIONS and JDK_JAVA_OPTIONS). */
    Process launch(String name, List<String> cmd, Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true)
                    .redirectOutput(log(name).toFile());
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("JDK_JAVA_OPTIONS");
            pb.environment().putAll(env);
            Process p = pb.start();
            children.add(p);
            return p;
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** Waits up to {@code seconds} for {@code p} to exit; stops it if it did not, and says whether it did. */
    boolean await(Process p, long seconds) throws InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            stop(p);
            return false;
        }
        children.remove(p);
        return true;
    }

    /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
    void stop(Process p) {
        try {
            p.destroy();
            if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        children.remove(p);
    }

    /** Kills every child still running (the orchestrator is exiting). */
    void killAll() {
        List<Process> all;
        synchronized (children) {
            all = new ArrayList<>(children);
        }
        for (Process p : all) {
            p.destroyForcibly();
        }
    }
}
