package io.kafkasteps.container;

import static io.kafkasteps.testing.Records.eventually;
import static io.kafkasteps.testing.Records.text;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.kafkasteps.testing.BrokerTestBase;
import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Records;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image users get, built from the unchanged Dockerfile with podman and run on the host network
 * against real brokers on 127.0.0.1: what it splits and copies is read back from the brokers.
 * Runs with -Pimage (root, podman, runc and debootstrap: {@code .ci/run} installs them).
 */
class ContainerImageIT extends BrokerTestBase {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final List<String> containers = new ArrayList<>();

    @BeforeAll
    static void image() {
        double seconds = Podman.buildImage();
        System.out.printf("ContainerImageIT: stand-ins and podman build took %.1f s%n", seconds);
    }

    @AfterEach
    void removeContainers() {
        for (String name : containers) {
            System.out.println("---- podman logs " + name + " (last lines)");
            String[] lines = Podman.logs(name).split("\n");
            for (int i = Math.max(0, lines.length - 15); i < lines.length; i++) {
                System.out.println(lines[i]);
            }
            Podman.remove(name);
        }
    }

    @Test
    void the_runtime_image_runs_as_uid_10001_holds_no_build_tool_and_has_its_class_data_archive() {
        Podman.Result r = Podman.podman(Duration.ofMinutes(1), "run", "--rm", "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096",
                "--entrypoint", "sh", Podman.IMAGE, "-c", "id -u; for t in mvn javac jar gradle gcc; do command -v $t && echo FOUND $t; done; [ /app/kafka-steps.jsa -nt /app/kafka-steps.jar ] && echo ARCHIVE; true");
        r.orFail("the image's shell");
        assertThat(r.out().lines().findFirst()).hasValue("10001");
        assertThat(r.out()).doesNotContain("FOUND");
        assertThat(r.out()).as("the class-data archive the build made, newer than the jar, so bin/kafka-steps maps it").contains("ARCHIVE");
    }

    @Test
    void the_splitter_image_splits_events_dead_letters_bad_input_and_reports_health() throws Exception {
        String in = "img-batches", out = "img-events", dlq = "img-events.dlq";
        records.createTopics(1, in, out, dlq);
        records.send(in, "o1", "{\"events\":[{\"id\":\"a1\"},{\"id\":\"a2\"}]}");
        records.send(in, "o2", "not json");
        records.send(in, "o3", "{\"events\":[{\"id\":\"b1\"}]}");
        int port = freePort();
        String name = start(splitter(in, out, "img-splitter", port), List.of(), "batch-to-stream");

        List<ConsumerRecord<byte[], byte[]>> events = records.read(out, 3, WAIT);
        assertThat(events).extracting(r -> text(r.key())).containsExactly("a1", "a2", "b1");
        assertThat(records.read(dlq, 1, WAIT)).hasSize(1);
        assertThat(Podman.podman(Duration.ofSeconds(30), "exec", name, "stat", "-c", "%u", "/proc/1").out().trim())
                .as("the route's process (PID 1) runs as").isEqualTo("10001");

        // The image's own HEALTHCHECK command, as the engine runs it.
        assertThat(eventually(WAIT, () -> healthcheck(name) == 0)).as("healthy once ready").isTrue();
        kafka.stop();
        try {
            assertThat(eventually(WAIT, () -> healthcheck(name) != 0)).as("unhealthy while the broker is down").isTrue();
        } finally {
            kafka.restart();
        }
        assertThat(eventually(WAIT, () -> healthcheck(name) == 0)).as("healthy again once the broker is back").isTrue();
    }

    @Test
    void the_reflector_image_copies_records_between_two_brokers_as_they_were() throws Exception {
        try (EmbeddedKafka sinkBroker = EmbeddedKafka.start(); Records sink = new Records(sinkBroker.bootstrapServers())) {
            String topic = "img-alerts";
            records.createTopics(1, topic);
            sink.createTopics(1, topic);
            for (int i = 0; i < 3; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("schema", "v4".getBytes(UTF_8));
                headers.add("schema", ("again" + i).getBytes(UTF_8));
                records.send(topic, null, ("k" + i).getBytes(UTF_8), ("alert " + i).getBytes(UTF_8), 1_700_000_000_000L + i, headers);
            }
            Map<String, String> env = new LinkedHashMap<>();
            env.put("CONSUMER_SERVER", kafka.bootstrapServers());
            env.put("PRODUCER_SERVER", sinkBroker.bootstrapServers());
            env.put("CONSUMER_TOPICS", topic);
            env.put("CONSUMER_GROUP_ID", "img-reflector");
            env.put("CAMEL_MANAGEMENT_PORT", String.valueOf(freePort()));
            start(env, List.of(), "reflector");

            List<ConsumerRecord<byte[], byte[]>> copies = sink.read(topic, 3, WAIT);
            assertThat(copies).hasSize(3);
            for (int i = 0; i < 3; i++) {
                ConsumerRecord<byte[], byte[]> c = copies.get(i);
                assertThat(text(c.key())).isEqualTo("k" + i);
                assertThat(text(c.value())).isEqualTo("alert " + i);
                assertThat(c.timestamp()).isEqualTo(1_700_000_000_000L + i);
                List<String> headers = new ArrayList<>();
                c.headers().forEach(h -> headers.add(h.key() + "=" + text(h.value())));
                assertThat(headers).containsExactly("schema=v4", "schema=again" + i);
            }
            assertThat(eventually(WAIT, () -> records.committed("img-reflector", topic) == 3)).as("committed after the copy").isTrue();
        }
    }

    @Test
    void a_route_file_mounted_over_app_routes_takes_effect_after_a_restart_without_a_rebuild() throws Exception {
        String in = "img-mount-batches", out = "img-mount-events";
        records.createTopics(1, in, out, out + ".dlq");
        Path routes = Files.createTempDirectory("image-routes", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path file = routes.resolve("batch-to-stream.camel.yaml");
        Files.copy(Path.of("routes/batch-to-stream.camel.yaml"), file);
        String name = start(splitter(in, out, "img-mount", freePort()), List.of(routes + ":/app/routes:ro"), "batch-to-stream");

        records.send(in, "o1", "{\"events\":[{\"id\":\"a1\",\"fid\":1}]}");
        assertThat(records.read(out, 1, WAIT)).extracting(r -> text(r.key())).containsExactly("a1");

        // The key path is the jsonpath of the route's setHeader kafka.KEY: edit the mounted file itself.
        String yaml = Files.readString(file);
        String edited = yaml.replace("expression: \"{{splitter.key.path}}\"", "expression: \"$.fid\"");
        assertThat(edited).isNotEqualTo(yaml);
        Files.writeString(file, edited);
        Podman.podman(Duration.ofMinutes(1), "restart", "-t", "30", name).orFail("podman restart");

        records.send(in, "o2", "{\"events\":[{\"id\":\"b1\",\"fid\":2}]}");
        assertThat(records.read(out, 2, WAIT)).extracting(r -> text(r.key())).containsExactly("a1", "2");
    }

    @Test
    void podman_stop_commits_what_the_sink_acknowledged_and_exits_within_the_shutdown_timeout() throws Exception {
        String in = "img-stop-batches", out = "img-stop-events", group = "img-stop";
        int batches = 3000, perBatch = 20;
        records.createTopics(1, in, out, out + ".dlq");
        List<String> values = new ArrayList<>(batches);
        for (int b = 0; b < batches; b++) {
            StringBuilder json = new StringBuilder("{\"events\":[");
            for (int e = 0; e < perBatch; e++) {
                json.append(e == 0 ? "" : ",").append("{\"id\":\"").append(b).append('-').append(e).append("\"}");
            }
            values.add(json.append("]}").toString());
        }
        records.sendAll(in, values);
        String name = start(splitter(in, out, group, freePort()), List.of(), "batch-to-stream");
        assertThat(eventually(WAIT, () -> records.committed(group, in) > 0)).as("the route delivers and commits").isTrue();

        long start = System.nanoTime();
        Podman.podman(Duration.ofMinutes(1), "stop", "-t", "30", name).orFail("podman stop");
        double stopSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("ContainerImageIT: podman stop took %.2f s%n", stopSeconds);
        assertThat(Podman.podman(Duration.ofSeconds(30), "inspect", "--format", "{{.State.Status}}", name).out().trim()).isEqualTo("exited");

        long committed = records.committed(group, in);
        Set<String> onSink = new HashSet<>(Records.values(records.readToEnd(out)).stream()
                .map(v -> v.substring(7, v.length() - 2)).toList());
        for (long b = 0; b < committed; b++) {
            for (int e = 0; e < perBatch; e++) {
                assertThat(onSink).as("committed batch %d has its events on the sink", b).contains(b + "-" + e);
            }
        }
        assertThat(committed).as("stopped mid-stream").isLessThan(batches);
        assertThat(stopSeconds).as("SIGTERM to exit, within camel.main.shutdown-timeout (10 s)").isLessThan(10);
    }

    private String start(Map<String, String> env, List<String> volumes, String route) {
        String name = "ks-it-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
        containers.add(name);
        return Podman.start(name, env, volumes, route);
    }

    private static Map<String, String> splitter(String in, String out, String group, int port) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SPLITTER_BROKERS", kafka.bootstrapServers());
        env.put("SPLITTER_SOURCE_TOPIC", in);
        env.put("SPLITTER_SINK_TOPIC", out);
        env.put("SPLITTER_BATCH_PATH", "$.events[*]");
        env.put("SPLITTER_KEY_PATH", "$.id");
        env.put("SPLITTER_GROUP_ID", group);
        env.put("CAMEL_MANAGEMENT_PORT", String.valueOf(port));
        return env;
    }

    private static int healthcheck(String name) {
        return Podman.podman(Duration.ofSeconds(30), "healthcheck", "run", name).exit();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
