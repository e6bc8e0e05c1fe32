package io.kafkasteps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs where the tests run, so the Dockerfile and docker-compose.yml are checked
 * statically: what they copy or mount exists, the image runs the jar the build makes as a non-root
 * user, and ports, health check and environment names match the application's.
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
    void entrypoint_runs_the_launcher_script_beside_the_jar_the_build_makes_as_non_root() throws Exception {
        String text = String.join("\n", lines());
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher finalName = Pattern.compile("<finalName>(.+?)</finalName>").matcher(pom);
        assertThat(finalName.find()).isTrue();
        String jar = finalName.group(1) + ".jar";
        assertThat(text).contains("COPY --from=build /build/target/" + jar + " ./" + jar);
        assertThat(text).contains("COPY --from=build /build/target/lib ./lib");
        assertThat(text).contains("COPY bin/kafka-steps ./bin/kafka-steps");
        assertThat(text).contains("ENTRYPOINT [\"/app/bin/kafka-steps\"]");
        // the script finds the jar one folder up from itself: /app/bin/.. in the image
        assertThat(Files.readString(Path.of("bin/kafka-steps"))).contains("\"$here/../" + jar + "\"");
        assertThat(Files.isExecutable(Path.of("bin/kafka-steps"))).isTrue();
        assertThat(text).containsPattern("(?m)^USER (?!root|0\\b)\\S+");
        assertThat(pom).contains("<classpathPrefix>lib/</classpathPrefix>");
    }

    private static String managementPort() throws Exception {
        return io.kafkasteps.Settings.load(Path.of("application.properties"), java.util.Map.of(), java.util.Map.of())
                .get("camel.management.port");
    }

    @Test
    void image_exposes_the_management_port_and_checks_readiness_with_a_class_that_exists() throws Exception {
        String text = String.join("\n", lines());
        String port = managementPort();
        assertThat(text).contains("EXPOSE " + port);
        Matcher health = Pattern.compile("HEALTHCHECK[^\\n]*\\\\\\s*\\n\\s*CMD \\[\"java\", \"-cp\", \"/app/kafka-steps.jar\", \"([\\w.]+)\"\\]")
                .matcher(text);
        assertThat(health.find()).as("HEALTHCHECK runs the probe").isTrue();
        assertThat(health.group(1)).isEqualTo(io.kafkasteps.ops.HealthProbe.class.getName());
        assertThat(io.kafkasteps.ops.HealthProbe.readiness(java.util.Map.of()))
                .as("without a URL the probe asks readiness on the application's port").isEqualTo("http://127.0.0.1:" + port + "/observe/health/ready");
        assertThat(io.kafkasteps.ops.HealthProbe.readiness(java.util.Map.of("CAMEL_MANAGEMENT_PORT", "9999"))).contains(":9999/");
    }

    @Test
    void compose_file_mounts_what_exists_uses_the_apps_port_and_only_known_variables() throws Exception {
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(Path.of("docker-compose.yml").toFile());
        var services = yaml.get("services");
        assertThat(services.has("kafka")).isTrue();
        String port = managementPort();
        io.kafkasteps.Settings settings = io.kafkasteps.Settings.load(Path.of("application.properties"), java.util.Map.of(), java.util.Map.of());
        java.util.Set<String> knownEnv = new java.util.HashSet<>();
        settings.resolvedAll().keySet().forEach(k -> {
            knownEnv.add(io.kafkasteps.Settings.envName(k));
            knownEnv.add(settings.envVariable(k));
        });
        int apps = 0;
        for (String name : java.util.List.of("batch-to-stream", "reflector")) {
            var service = services.get(name);
            assertThat(service).as(name).isNotNull();
            apps++;
            assertThat(service.get("command").get(0).asText()).isEqualTo(name);
            assertThat(Path.of("routes", name + ".camel.yaml")).exists();
            service.get("volumes").forEach(v -> assertThat(Path.of(v.asText().split(":")[0])).as("mount %s", v).exists());
            service.get("ports").forEach(p -> assertThat(p.asText()).endsWith(":" + port));
            service.get("environment").fieldNames().forEachRemaining(env -> assertThat(knownEnv).as("env %s of %s", env, name).contains(env));
        }
        assertThat(apps).isEqualTo(2);
        assertThat(services.get("batch-to-stream").get("deploy").get("replicas").asInt()).isGreaterThan(1);
        assertThat(services.get("batch-to-stream").get("build").asText()).isEqualTo(".");
    }
}
