package io.kafkasteps.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** What the harness reads of the machine from /proc: CPU model, memory, load average, and the fields of a status file. */
final class Machine {

    private Machine() {
    }

    /** The 1, 5 and 15 min load averages, space-separated. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String cpuModel() {
        return field(Path.of("/proc/cpuinfo"), "model name").map(v -> v.substring(v.indexOf(':') + 1).trim()).orElse("unknown CPU");
    }

    static String memTotal() {
        return field(Path.of("/proc/meminfo"), "MemTotal:")
                .map(v -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(v.replaceAll("\\D+", "")) / 1024.0 / 1024.0))
                .orElse("unknown");
    }

    /** What follows {@code name} on the first line of {@code file} that starts with it; none if no line does or the file cannot be read. */
    static Optional<String> field(Path file, String name) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(name)).findFirst().map(l -> l.substring(name.length()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
