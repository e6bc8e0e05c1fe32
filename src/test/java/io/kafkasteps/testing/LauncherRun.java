package io.kafkasteps.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.kafkasteps.Launcher;

/** The launcher run to its end in this JVM, as {@code java -jar} runs it: exit code and output. */
public record LauncherRun(int code, String out, String err) {

    public static LauncherRun run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Launcher(env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new LauncherRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The same, the settings given as keys and passed as the environment variables named after them. */
    public static LauncherRun withSettings(Map<String, String> settings, String... args) {
        Map<String, String> env = new java.util.HashMap<>();
        settings.forEach((k, v) -> env.put(io.kafkasteps.Settings.envName(k), v));
        return run(env, args);
    }

    public List<String> outLines() {
        return out.lines().toList();
    }

    public List<String> errLines() {
        return err.lines().toList();
    }
}
