package io.kafkasteps.jbang;

import static io.kafkasteps.testing.Records.header;
import static io.kafkasteps.testing.Records.text;
import static io.kafkasteps.testing.Records.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Records;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A user with the Camel CLI runs the same files: {@code camel run routes/batch-to-stream.camel.yaml
 * application.properties --dep=io.kafkasteps:kafka-steps:VERSION} (the project's jar, from
 * {@code mvn install}, for the route's few beans; no Java source). The CLI is camel-jbang-core
 * 4.17.0 from Maven Central (src/test/jbang/pom.xml) started by the launcher CamelCli.java, as the
 * docs/running.md says; it downloads the components at run time. Against a real broker.
 * Runs with -Pjbang (it resolves the CLI with Maven and may download from Maven Central).
 */
class CamelCliIT {

    /** The one option that names this project's beans: its jar, installed by {@code mvn install} (docs/running.md, "With the Camel CLI"). */
    static String projectDependency() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        Matcher version = Pattern.compile("<artifactId>kafka-steps</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(version.find()).as("the project version in pom.xml").isTrue();
        Path installed = Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "kafkasteps", "kafka-steps",
                version.group(1), "kafka-steps-" + version.group(1) + ".jar");
        assertThat(installed).as("the project's jar in the local Maven repository: run `mvn install -DskipTests` first").isRegularFile();
        return "--dep=io.kafkasteps:kafka-steps:" + version.group(1);
    }

    private static final Duration WAIT = Duration.ofMinutes(3);

    private EmbeddedKafka kafka;
    private Records records;
    private Process cli;

    @BeforeEach
    void broker() {
        kafka = EmbeddedKafka.start();
        records = new Records(kafka.bootstrapServers());
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (cli != null && cli.isAlive()) {
            cli.destroyForcibly();
            cli.waitFor(30, TimeUnit.SECONDS);
        }
        records.close();
        kafka.close();
    }

    @Test
    void camel_run_with_the_route_file_and_properties_splits_batches_on_the_sink() throws Exception {
        records.createTopics(1, "batches", "events", "events.dlq");
        records.send("batches", "b1", "{\"alert_id\":\"ZTF1\",\"events\":[{\"id\":\"e1\",\"mag\":18.1},{\"id\":\"e2\",\"mag\":18.2}]}");
        records.send("batches", "bad", "{\"events\":[{\"id\":");
        records.send("batches", "b2", "{\"alert_id\":\"ZTF2\",\"events\":[{\"id\":\"e3\",\"mag\":18.3}]}");

        Path log = camelRun("routes/batch-to-stream.camel.yaml",
                "--prop=splitter.brokers=" + kafka.bootstrapServers(),
                "--prop=splitter.source.topic=batches",
                "--prop=splitter.sink.topic=events",
                "--prop=splitter.batch.path=$.events[*]",
                "--prop=splitter.key.path=$.id",
                "--prop=splitter.group.id=camel-cli");
        long started = System.nanoTime();

        List<ConsumerRecord<byte[], byte[]>> events = records.read("events", 3, WAIT);
        System.out.printf("CamelCliIT: 3 events on the sink %.1fs after `camel run` started%n", (System.nanoTime() - started) / 1e9);
        assertThat(values(events)).as("split events; CLI output: %s", output(log)).containsExactly(
                "{\"id\":\"e1\",\"mag\":18.1}", "{\"id\":\"e2\",\"mag\":18.2}", "{\"id\":\"e3\",\"mag\":18.3}");
        assertThat(events).extracting(r -> text(r.key())).containsExactly("e1", "e2", "e3");
        List<ConsumerRecord<byte[], byte[]>> dead = records.read("events.dlq", 1, WAIT);
        assertThat(dead).hasSize(1);
        assertThat(text(dead.get(0).key())).isEqualTo("bad");
        assertThat(header(dead.get(0), "dlq.reason")).startsWith("value is not valid JSON");
        assertThat(Records.eventually(WAIT, () -> records.committed("camel-cli", "batches") == 3)).isTrue();
        assertThat(cli.isAlive()).as("the CLI still runs; output: %s", output(log)).isTrue();

        cli.destroy();
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("the CLI stops on SIGTERM").isTrue();
    }

    @Test
    void camel_run_with_the_reflector_route_file_copies_records_between_two_clusters() throws Exception {
        EmbeddedKafka sink = EmbeddedKafka.start();
        try (Records sinkRecords = new Records(sink.bootstrapServers())) {
            records.createTopics(1, "alerts");
            sinkRecords.createTopics(1, "alerts");
            org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
            headers.add("schema", "ztf-alert-v4".getBytes(StandardCharsets.UTF_8));
            records.send("alerts", null, "ZTF1".getBytes(StandardCharsets.UTF_8), "{\"candid\":1}".getBytes(StandardCharsets.UTF_8), 1_700_000_000_000L, headers);
            records.send("alerts", "ZTF2", "{\"candid\":2}");

            Path log = camelRun("routes/reflector.camel.yaml",
                    "--prop=reflector.consumer.server=" + kafka.bootstrapServers(),
                    "--prop=reflector.consumer.group.id=camel-cli-reflector",
                    "--prop=reflector.consumer.topics=alerts",
                    "--prop=reflector.consume.timeout=1",
                    "--prop=reflector.producer.server=" + sink.bootstrapServers());

            List<ConsumerRecord<byte[], byte[]>> copies = sinkRecords.read("alerts", 2, WAIT);
            assertThat(values(copies)).as("copies; CLI output: %s", output(log)).containsExactly("{\"candid\":1}", "{\"candid\":2}");
            assertThat(copies).extracting(r -> text(r.key())).containsExactly("ZTF1", "ZTF2");
            assertThat(header(copies.get(0), "schema")).isEqualTo("ztf-alert-v4");
            assertThat(copies.get(0).timestamp()).isEqualTo(1_700_000_000_000L);
            assertThat(Records.eventually(WAIT, () -> records.committed("camel-cli-reflector", "alerts") == 2)).isTrue();
            cli.destroy();
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("the CLI stops on SIGTERM").isTrue();
        } finally {
            sink.close();
        }
    }

    /**
     * {@code camel run ROUTE_FILE application.properties --dep=<this project> OPTIONS}: the CLI from
     * Maven Central, without JBang (its classpath resolved by Maven), exactly as docs/running.md shows.
     */
    private Path camelRun(String routeFile, String... options) throws Exception {
        Path classpathFile = Path.of("src/test/jbang/target/camel-cli.classpath");
        Files.deleteIfExists(classpathFile);
        Process resolve = new ProcessBuilder("mvn", "-B", "-q", "-f", "src/test/jbang/pom.xml", "dependency:build-classpath",
                "-Dmdep.outputFile=target/camel-cli.classpath")
                .redirectErrorStream(true).redirectOutput(Files.createTempFile("camel-cli-resolve", ".log").toFile()).start();
        if (!resolve.waitFor(10, TimeUnit.MINUTES)) {
            resolve.destroyForcibly();
            throw new AssertionError("resolving the Camel CLI took longer than 10 minutes");
        }
        assertThat(resolve.exitValue()).isZero();
        String classpath = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m", "-cp", classpath,
                "src/test/java/io/kafkasteps/jbang/CamelCli.java", "run", routeFile, "application.properties", projectDependency()));
        command.addAll(List.of(options));
        Path log = Files.createTempFile("camel-cli-run", ".log");
        cli = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return log;
    }

    @Test
    void the_camel_cli_is_the_camel_version_of_the_build() throws IOException {
        Pattern version = Pattern.compile("<camel.version>([^<]+)</camel.version>");
        Matcher build = version.matcher(Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8));
        Matcher cli = version.matcher(Files.readString(Path.of("src/test/jbang/pom.xml"), StandardCharsets.UTF_8));
        assertThat(build.find()).isTrue();
        assertThat(cli.find()).isTrue();
        assertThat(cli.group(1)).as("src/test/jbang/pom.xml camel.version").isEqualTo(build.group(1));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : "")).toString();
    }

    private static String output(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
