package io.kafkasteps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The README and docs/ say what the code does: the launcher's usage and the links between them. */
class DocsTest {

    @Test
    void running_md_shows_the_launchers_usage_as_help_prints_it() throws IOException {
        String running = Files.readString(Path.of("docs/running.md"));
        int start = running.indexOf("usage: kafka-steps");
        assertThat(start).as("docs/running.md has the usage block").isNotNegative();
        String shown = running.substring(start, running.indexOf("```", start)).strip();
        assertThat(shown).isEqualTo(CommandLine.USAGE.replace(System.lineSeparator(), "\n"));
    }

    /** Stale tables fail; {@code mvn test -Dtest=DocsTest -Ddocs.write=true} writes them again. */
    @Test
    void configuration_md_lists_every_setting_of_application_properties_with_its_default_and_comment() throws IOException {
        Path page = Path.of("docs/configuration.md");
        String text = Files.readString(page);
        int begin = text.indexOf(ConfigurationTables.BEGIN), end = text.indexOf(ConfigurationTables.END);
        assertThat(begin).as("docs/configuration.md has the generated part").isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String generated = ConfigurationTables.of(Files.readString(Path.of("application.properties")));
        String shown = text.substring(begin, end + ConfigurationTables.END.length());
        if (Boolean.getBoolean("docs.write") && !shown.equals(generated)) {
            Files.writeString(page, text.substring(0, begin) + generated + text.substring(end + ConfigurationTables.END.length()));
            shown = generated;
        }
        assertThat(shown).as("docs/configuration.md is stale: mvn test -Dtest=DocsTest -Ddocs.write=true").isEqualTo(generated);
    }

    @Test
    void every_relative_link_of_the_readme_and_docs_names_a_file_that_exists() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
        }
        Pattern link = Pattern.compile("\\]\\(([^)#:]+)(#[^)]*)?\\)");
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            Matcher m = link.matcher(Files.readString(page));
            while (m.find()) {
                Path target = page.resolveSibling(m.group(1)).normalize();
                if (!Files.exists(target)) {
                    broken.add(page + " -> " + m.group(1));
                }
            }
        }
        assertThat(broken).isEmpty();
    }
}
