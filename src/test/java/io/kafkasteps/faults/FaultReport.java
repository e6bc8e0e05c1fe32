package io.kafkasteps.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fault suite's measured numbers, written by the tests themselves. Each scenario writes its own
 * section to {@code target/faults-report/<id>.md}; {@code target/faults-report.md} is then rebuilt
 * from every section there, so running one test class updates only its own section.
 */
final class FaultReport {

    static final Path DIR = Path.of("target", "faults-report");
    static final Path FILE = Path.of("target", "faults-report.md");

    private FaultReport() {
    }

    /** Writes (replaces) one section and rebuilds the whole report. */
    static synchronized void section(String id, String title, String markdown) {
        try {
            Files.createDirectories(DIR);
            String text = "## " + title + "\n\n" + markdown.strip() + "\n\n_measured " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                    + ", seed " + Seeds.SEED + ", " + Runtime.getRuntime().availableProcessors() + " cores_\n";
            Files.writeString(DIR.resolve(id + ".md"), text, StandardCharsets.UTF_8);
            rebuild();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void rebuild() throws IOException {
        List<Path> sections;
        try (Stream<Path> files = Files.list(DIR)) {
            sections = files.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().toList();
        }
        StringBuilder out = new StringBuilder("# Fault suite: measured numbers\n\n"
                + "Written by the tests under `src/test/java/io/kafkasteps/faults` (`mvn -B verify -Pfaults`). Every count is\n"
                + "read back from a real broker on 127.0.0.1; the application runs as the packaged jar (`kill -9` is SIGKILL)\n"
                + "unless a section says otherwise.\n\n");
        for (Path p : sections) {
            out.append(Files.readString(p, StandardCharsets.UTF_8)).append('\n');
        }
        Files.writeString(FILE, out.toString(), StandardCharsets.UTF_8);
    }

    /** A markdown table row. */
    static String row(Object... cells) {
        StringBuilder sb = new StringBuilder("|");
        for (Object c : cells) {
            sb.append(' ').append(String.valueOf(c).replace("|", "\\|").replace("\n", " ")).append(" |");
        }
        return sb.append('\n').toString();
    }

    static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
    }
}
