package io.kafkasteps.reload;

import static io.kafkasteps.testing.Records.text;
import static io.kafkasteps.testing.Records.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.kafkasteps.KafkaSteps;
import io.kafkasteps.Settings;
import io.kafkasteps.splitter.BatchShape;
import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Records;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live reload (camel.main.routes-reload-enabled=true): saving a route file replaces that file's
 * routes and beans in the running JVM, against the same broker, without a restart.
 */
class RouteReloadIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    private EmbeddedKafka kafka;
    private Records records;
    private KafkaSteps app;

    @BeforeEach
    void broker() {
        kafka = EmbeddedKafka.start();
        records = new Records(kafka.bootstrapServers());
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
        records.close();
        kafka.close();
    }

    @Test
    void editing_the_key_path_in_the_route_file_rekeys_the_next_events() throws Exception {
        records.createTopics(1, "batches", "events", "events.dlq");
        Path routes = copyOf(Path.of("routes"), temp.resolve("routes"));
        Settings settings = Settings.load(Path.of("application.properties"), Map.of(), Map.of()).withCommandLine(Map.of(
                "splitter.brokers", kafka.bootstrapServers(),
                "splitter.source.topic", "batches",
                "splitter.sink.topic", "events",
                "splitter.batch.path", "$.events[*]",
                "splitter.key.path", "$.id",
                "splitter.group.id", "reload",
                "splitter.poll.timeout.ms", "200",
                "camel.main.routes-reload-enabled", "true"));
        app = new KafkaSteps(List.of("batch-to-stream"), routes, settings);
        app.start();

        records.send("batches", null, "{\"events\":[{\"id\":\"a1\",\"obj\":\"ZTF1\"},{\"id\":\"a2\",\"obj\":\"ZTF2\"}]}");
        List<ConsumerRecord<byte[], byte[]>> before = records.read("events", 2, WAIT);
        assertThat(before).extracting(r -> text(r.key())).containsExactly("a1", "a2");
        Route oldRoute = app.context().getRoute("batch-to-stream");
        BatchShape oldBean = app.context().getRegistry().lookupByNameAndType("splitterBatchShape", BatchShape.class);

        // The key path is the jsonpath of the route's setHeader kafka.KEY: edit the file itself.
        Path file = routes.resolve("batch-to-stream.camel.yaml");
        String yaml = Files.readString(file, StandardCharsets.UTF_8);
        String edited = yaml.replace("expression: \"{{splitter.key.path}}\"", "expression: \"$.obj\"");
        assertThat(edited).isNotEqualTo(yaml);
        long saved = System.nanoTime();
        writeAtomically(file, edited);

        assertThat(Records.eventually(WAIT, () -> {
            Route now = app.context().getRoute("batch-to-stream");
            return now != null && now != oldRoute
                    && app.context().getRouteController().getRouteStatus("batch-to-stream") == ServiceStatus.Started;
        })).as("the batch-to-stream route was replaced and started").isTrue();
        System.out.printf("RouteReloadIT: route reloaded %d ms after the file was saved%n", (System.nanoTime() - saved) / 1_000_000);
        // The bean was created again from the edited file, in the same CamelContext.
        BatchShape newBean = app.context().getRegistry().lookupByNameAndType("splitterBatchShape", BatchShape.class);
        assertThat(newBean).isNotNull().isNotSameAs(oldBean);

        records.send("batches", null, "{\"events\":[{\"id\":\"b1\",\"obj\":\"ZTF3\"},{\"id\":\"b2\",\"obj\":\"ZTF4\"}]}");
        List<ConsumerRecord<byte[], byte[]>> all = records.read("events", 4, WAIT);
        assertThat(values(all)).containsExactly("{\"id\":\"a1\",\"obj\":\"ZTF1\"}", "{\"id\":\"a2\",\"obj\":\"ZTF2\"}",
                "{\"id\":\"b1\",\"obj\":\"ZTF3\"}", "{\"id\":\"b2\",\"obj\":\"ZTF4\"}");
        assertThat(all).extracting(r -> text(r.key())).containsExactly("a1", "a2", "ZTF3", "ZTF4");
        assertThat(Records.eventually(WAIT, () -> records.committed("reload", "batches") == 2)).isTrue();
    }

    /** Temp file in the same folder (a name the reload pattern ignores), then an atomic rename. */
    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path copyOf(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.sorted(Comparator.naturalOrder()).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
