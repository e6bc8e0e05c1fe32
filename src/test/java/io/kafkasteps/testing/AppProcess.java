package io.kafkasteps.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged jar, run as its own process, as a user runs it. Output goes to a log file. */
public final class AppProcess implements AutoCloseable {

    public static final Path JAR = Path.of("target", "kafka-steps.jar");

    private final Process process;
    private final Path log;

    private AppProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static AppProcess start(Map<String, String> env, String... args) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run `mvn verify`, which packages it before the integration tests");
        }
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        try {
            Path log = Files.createTempFile("kafka-steps-app", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("CAMEL_MANAGEMENT_PORT", "0");   // tests never bind the fixed default port
            pb.environment().putAll(env);
            return new AppProcess(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs to completion and returns the exit code; output is in {@link #output()}. */
    public static AppProcess run(Map<String, String> env, Duration deadline, String... args) {
        AppProcess p = start(env, args);
        if (!p.waitFor(deadline)) {
            p.kill();
            throw new IllegalStateException("still running after " + deadline + ": " + p.output());
        }
        return p;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : "")).toString();
    }

    /** kill -9: no shutdown hook, no commit, nothing flushed. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** SIGSTOP: the process stands still (no heartbeat, no send) until {@link #resume()}, as a VM paused or a long GC. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT: a paused process goes on where it stood. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM: the graceful stop. */
    public void terminate() {
        process.destroy();
    }

    public boolean waitFor(Duration deadline) {
        try {
            return process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    public int exitCode() {
        return process.exitValue();
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
