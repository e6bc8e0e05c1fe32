package io.kafkasteps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs where the tests run, so the Dockerfile is checked statically: what it
 * copies from the source tree exists, and it runs the jar the build makes, as a non-root user.
 */
class DockerfileTest {

    private static final Path DOCKERFILE = Path.of("Dockerfile");

    private static List<String> lines() throws Exception {
        return Files.readAllLines(DOCKERFILE);
    }

    @Test
    void files_copied_from_the_source_tree_exist() throws Exception {
        Pattern copy = Pattern.compile("^COPY\\s+(?!--from)(\\S+)\\s+\\S+\\s*$");
        int checked = 0;
        for (String line : lines()) {
            Matcher m = copy.matcher(line.trim());
            if (m.matches()) {
                assertThat(Path.of(m.group(1))).as("COPY source in: %s", line).exists();
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(4);
    }

    @Test
    void entrypoint_runs_the_jar_the_build_makes_as_non_root() throws Exception {
        String text = String.join("\n", lines());
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher finalName = Pattern.compile("<finalName>(.+?)</finalName>").matcher(pom);
        assertThat(finalName.find()).isTrue();
        String jar = finalName.group(1) + ".jar";
        assertThat(text).contains("COPY --from=build /build/target/" + jar + " ");
        assertThat(text).contains("COPY --from=build /build/target/lib ./lib");
        assertThat(text).containsPattern("ENTRYPOINT \\[.*\"-jar\", \"/app/" + Pattern.quote(jar) + "\"\\]");
        assertThat(text).containsPattern("(?m)^USER (?!root|0\\b)\\S+");
        assertThat(pom).contains("<classpathPrefix>lib/</classpathPrefix>");
    }
}
