package io.kafkasteps.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The podman CLI as this machine needs it (field notes 8): the runc runtime and explicit ulimits
 * below the machine's hard ones. Builds the project's image from its unchanged Dockerfile, on
 * stand-in bases made from Debian's packages ({@code src/test/container/stand-in-bases.sh}).
 */
final class Podman {

    static final String IMAGE = "localhost/kafka-steps:image-it";
    /** Below the machine's hard limits: podman's own defaults ask for more than root may set here. */
    static final List<String> ULIMITS = List.of("nofile=20000:20000", "nproc=4096:4096");
    private static final List<String> LIMITS = ULIMITS.stream().flatMap(u -> java.util.stream.Stream.of("--ulimit", u)).toList();

    /** A command's exit code, standard output and standard error (podman writes its warnings there). */
    record Result(int exit, String out, String err) {
        Result orFail(String what) {
            if (exit != 0) {
                String[] lines = (out + "\n" + err).split("\n");
                throw new IllegalStateException(what + " failed (exit " + exit + "):\n"
                        + String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 40), lines.length)));
            }
            return this;
        }
    }

    private Podman() {
    }

    /** Stand-in bases, then the image: {@code podman build} of the Dockerfile as it is. Returns the seconds the build took. */
    static double buildImage() {
        run(Duration.ofMinutes(10), "bash", "src/test/container/stand-in-bases.sh").orFail("stand-in base images");
        long start = System.nanoTime();
        List<String> build = new ArrayList<>(List.of("podman", "--runtime", "runc", "build"));
        build.addAll(buildOptions());
        build.addAll(List.of("-t", IMAGE, "."));
        run(Duration.ofMinutes(15), build.toArray(String[]::new)).orFail("podman build");
        return (System.nanoTime() - start) / 1e9;
    }

    /** The options of {@code podman build} for the Dockerfile here: the docker format (the OCI one drops HEALTHCHECK), local bases only. */
    static List<String> buildOptions() {
        List<String> options = new ArrayList<>(List.of("--format", "docker", "--pull=never", "--network", "host"));
        options.addAll(LIMITS);
        // The host's Maven repository as a build cache for the build stage: the Dockerfile is unchanged,
        // only what `mvn dependency:go-offline` would download is already there.
        options.addAll(List.of("-v", Path.of(System.getProperty("user.home"), ".m2").toAbsolutePath() + ":/root/.m2"));
        return options;
    }

    /** {@code podman run -d} on the host network; returns the container's name. */
    static String start(String name, Map<String, String> env, List<String> volumes, String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman", "--runtime", "runc", "run", "-d", "--name", name, "--network", "host"));
        cmd.addAll(LIMITS);
        env.forEach((k, v) -> cmd.addAll(List.of("-e", k + "=" + v)));
        volumes.forEach(v -> cmd.addAll(List.of("-v", v)));
        cmd.add(IMAGE);
        cmd.addAll(List.of(args));
        run(Duration.ofMinutes(1), cmd.toArray(String[]::new)).orFail("podman run " + name);
        return name;
    }

    static Result podman(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman", "--runtime", "runc"));
        cmd.addAll(List.of(args));
        return run(timeout, cmd.toArray(String[]::new));
    }

    /** {@code podman rm -f}, ignoring a container that is not there. */
    static void remove(String name) {
        podman(Duration.ofMinutes(1), "rm", "-f", "-t", "0", name);
    }

    static String logs(String name) {
        Result r = podman(Duration.ofSeconds(30), "logs", name);
        return r.out() + r.err();
    }

    static Result run(Duration timeout, String... cmd) {
        return run(timeout, Map.of(), null, cmd);
    }

    /** A command with extra environment variables and, unless null, standard input from a file. */
    static Result run(Duration timeout, Map<String, String> env, Path stdin, String... cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(env);
            if (stdin != null) {
                pb.redirectInput(stdin.toFile());
            }
            Process p = pb.start();
            // read while it runs: a full pipe would block the process
            var out = new java.io.ByteArrayOutputStream();
            var err = new java.io.ByteArrayOutputStream();
            Thread outReader = drain(p.getInputStream(), out);
            Thread errReader = drain(p.getErrorStream(), err);
            boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            outReader.join(5000);
            errReader.join(5000);
            String errText = err.toString(StandardCharsets.UTF_8) + (ended ? "" : "\n(timed out after " + timeout + ")");
            return new Result(ended ? p.exitValue() : -1, out.toString(StandardCharsets.UTF_8), errText);
        } catch (IOException e) {
            return new Result(-1, "", String.join(" ", cmd) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "", "interrupted");
        }
    }

    private static Thread drain(java.io.InputStream in, java.io.OutputStream to) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(to);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.start();
        return t;
    }
}
