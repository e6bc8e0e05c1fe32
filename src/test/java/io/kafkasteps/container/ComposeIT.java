package io.kafkasteps.container;

import static io.kafkasteps.testing.Records.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml brought up with podman-compose 1.0.3 (Debian's package) and podman 4.3 on
 * stand-in images: the broker is a stand-in for apache/kafka:3.9.1 that reads the same KAFKA_*
 * variables ({@code src/test/container/kafka-stand-in.sh}), the app image is built from the
 * Dockerfile by {@code up --build}. Three splitters share the batches topic in one group and split
 * every batch exactly once; the reflector copies today's topic; every app container is healthy.
 *
 * <p>The file runs with two changes these tools need ({@link #podmanVariant}), each checked to be
 * still needed by {@link #podman_compose_and_podman_still_need_the_two_changes}: podman rejects the
 * splitters' host port range for one container port, and podman-compose 1.0.3 parses
 * {@code --scale} and ignores it. podman-compose also ignores the top-level {@code name} (the
 * project is given with {@code -p}) and does not wait for depends_on's {@code service_healthy}; it
 * runs plain {@code podman}, so the runc runtime and the ulimits this machine needs come from a
 * containers.conf of the test's own ({@code CONTAINERS_CONF}). Runs with -Pimage.
 */
class ComposeIT {

    private static final String PROJECT = "kafka-steps";
    private static final int SPLITTERS = 3, PARTITIONS = 4, BATCHES = 40, PER_BATCH = 5;
    private static final Path WORK = Path.of("target", "compose-it");
    private static final String KAFKA = PROJECT + "_kafka_1", REFLECTOR = PROJECT + "_reflector_1";
    private static final List<String> SPLITTER_NAMES = IntStream.rangeClosed(1, SPLITTERS)
            .mapToObj(i -> PROJECT + "_batch-to-stream_" + i).toList();
    private static final Duration WAIT = Duration.ofMinutes(3);
    /** The reflector's host port in the compose file (the splitters' range is not published here: see the class comment). */
    private static final int REFLECTOR_PORT = 9887;
    private static final String PORT_RANGE = "9876-9886:9876";

    private static Map<String, String> env;
    private static long started;

    @BeforeAll
    static void up() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(REFLECTOR_PORT));
        } catch (IOException e) {
            throw new IllegalStateException("host port " + REFLECTOR_PORT + " is in use: docker-compose.yml publishes the reflector's on it", e);
        }
        started = System.nanoTime();
        Podman.run(Duration.ofMinutes(20), "bash", "src/test/container/kafka-stand-in.sh").orFail("stand-in images");
        double standIns = seconds(started);

        Files.createDirectories(WORK);
        Path conf = WORK.resolve("containers.conf");
        Files.writeString(conf, "# podman as this machine needs it (field notes 8), for podman-compose's plain `podman`\n"
                + "[containers]\ndefault_ulimits = [" + Podman.ULIMITS.stream().map(u -> '"' + u + '"').collect(Collectors.joining(", ")) + "]\n"
                + "[engine]\nruntime = \"runc\"\n");
        Files.writeString(WORK.resolve("docker-compose.yml"), podmanVariant(Files.readString(Path.of("docker-compose.yml"))));
        env = Map.of("CONTAINERS_CONF", conf.toAbsolutePath().toString());

        compose(Duration.ofMinutes(3), "down", "-v");   // what a run that was killed left
        long up = System.nanoTime();
        compose(Duration.ofMinutes(20), "--podman-build-args=" + String.join(" ", Podman.buildOptions()), "up", "-d", "--build")
                .orFail("podman-compose up");
        // podman-compose 1.0.3 starts in order but does not wait for depends_on's service_healthy:
        // the splitters and the reflector connect when the broker is up.
        assertThat(eventually(WAIT, () -> podman("healthcheck", "run", KAFKA).exit() == 0))
                .as("the compose health check of %s (kafka-topics.sh --list)", KAFKA).isTrue();
        System.out.printf("ComposeIT: stand-ins %.1f s, podman-compose up --build until the broker is healthy %.1f s%n",
                standIns, seconds(up));
    }

    @AfterAll
    static void down() {
        if (env == null) {
            return;
        }
        List<String> names = new ArrayList<>(List.of(KAFKA, REFLECTOR));
        names.addAll(SPLITTER_NAMES);
        for (String name : names) {
            System.out.println("---- podman logs " + name + " (last lines)");
            String[] lines = Podman.logs(name).split("\n");
            Arrays.stream(lines, Math.max(0, lines.length - 12), lines.length).forEach(System.out::println);
        }
        long start = System.nanoTime();
        Podman.Result down = compose(Duration.ofMinutes(3), "down", "-v");
        // podman-compose 1.0.3's down removes containers and volumes, not the network it made
        Podman.Result network = podman("network", "rm", "-f", PROJECT + "_default");
        System.out.printf("ComposeIT: podman-compose down %.1f s (exit %d, network rm exit %d); %.1f s in all%n",
                seconds(start), down.exit(), network.exit(), seconds(started));
        down.orFail("podman-compose down");
        assertThat(podman("ps", "-a", "--format", "{{.Names}}", "--filter", "label=io.podman.compose.project=" + PROJECT).out())
                .as("no container of the project left").isBlank();
    }

    @Test
    void three_splitters_share_the_four_partitions_in_one_group_and_split_every_batch_once() throws IOException {
        assertThat(kafka("kafka-topics.sh", "--bootstrap-server", "localhost:9092", "--create", "--if-not-exists",
                "--topic", "batches").exit()).isZero();   // KAFKA_NUM_PARTITIONS: 4
        Set<String> splitterHosts = new HashSet<>();
        for (String name : SPLITTER_NAMES) {
            splitterHosts.add("/" + podman("inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name)
                    .orFail("podman inspect " + name).out().trim());
        }
        assertThat(splitterHosts).as("three containers").hasSize(SPLITTERS);
        // Every member with partitions before the batches are sent: a rebalance mid-stream may
        // deliver a batch twice (at least once), and this test counts exactly.
        AtomicReference<Map<String, Integer>> members = new AtomicReference<>(Map.of());
        assertThat(eventually(WAIT, () -> {
            Map<String, Integer> now = members("batch-to-stream");
            members.set(now);
            return now.size() == SPLITTERS && now.values().stream().allMatch(n -> n > 0)
                    && now.values().stream().mapToInt(Integer::intValue).sum() == PARTITIONS;
        })).as("group batch-to-stream: %d members sharing %d partitions, last seen %s", SPLITTERS, PARTITIONS, members).isTrue();
        assertThat(members.get().keySet()).as("one member in each splitter container").isEqualTo(splitterHosts);

        StringBuilder batches = new StringBuilder();
        for (int b = 0; b < BATCHES; b++) {
            batches.append('b').append(b).append("\t{\"events\":[");   // keyed: the batches spread over the 4 partitions
            for (int e = 0; e < PER_BATCH; e++) {
                batches.append(e == 0 ? "" : ",").append("{\"id\":\"b").append(b).append("-e").append(e).append("\"}");
            }
            batches.append("]}\n");
        }
        produce("batches", batches.toString());

        int events = BATCHES * PER_BATCH;
        assertThat(eventually(WAIT, () -> endOffsets("events") >= events)).as("%d events on events", events).isTrue();
        assertThat(eventually(WAIT, () -> committed("batch-to-stream", "batches") == BATCHES)).as("every batch committed").isTrue();
        Map<String, Long> byHost = committedByHost("batch-to-stream", "batches");
        assertThat(byHost.keySet()).as("batches committed by each splitter container").isEqualTo(splitterHosts);
        assertThat(byHost.values()).as("every splitter split some of the batches: %s", byHost).allMatch(n -> n > 0);
        assertThat(keys("events", events)).as("each event once, keyed by its id").hasSize(events).doesNotHaveDuplicates().contains("b0-e0", "b39-e4");
        assertThat(endOffsets("events")).as("no more events after the batches were committed").isEqualTo(events);
        assertThat(endOffsets("events.dlq")).as("nothing dead-lettered").isZero();
        for (String name : SPLITTER_NAMES) {
            // polled, as the HEALTHCHECK's own retries do: a probe of the sink that timed out on this
            // loaded machine, or a commit retried across the group's rebalances, is DOWN for a moment
            assertThat(eventually(WAIT, () -> podman("healthcheck", "run", name).exit() == 0))
                    .as("the image's HEALTHCHECK in %s", name).isTrue();
            String published = podman("port", name, "9876").orFail("podman port " + name).out().trim();
            int port = Integer.parseInt(published.substring(published.lastIndexOf(':') + 1));
            assertThat(ready(port)).as("%s ready on its published port %d", name, port).isTrue();
        }
    }

    @Test
    void the_reflector_copies_todays_daily_topic_to_reflected() throws IOException {
        // TOPIC_STRATEGY_FORMAT ztf_%s_programid1: today's topic (UTC), created after the reflector
        // started, is picked up within its metadata refresh (30 s).
        String topic = "ztf_" + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE) + "_programid1";
        assertThat(kafka("kafka-topics.sh", "--bootstrap-server", "localhost:9092", "--create", "--if-not-exists",
                "--topic", topic).exit()).isZero();
        produce(topic, "k1\talert 1\nk2\talert 2\nk3\talert 3\n");
        assertThat(eventually(WAIT, () -> endOffsets("reflected") == 3)).as("3 alerts copied to reflected").isTrue();
        assertThat(keys("reflected", 3)).as("the copies keep their keys").containsExactlyInAnyOrder("k1", "k2", "k3");
        assertThat(eventually(WAIT, () -> committed("reflector", topic) == 3)).as("committed after the copy").isTrue();
        assertThat(podman("healthcheck", "run", REFLECTOR).exit()).as("the image's HEALTHCHECK in %s", REFLECTOR).isZero();
        assertThat(ready(REFLECTOR_PORT)).as("the reflector ready on host port %d", REFLECTOR_PORT).isTrue();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** Readiness over a published port, from the host. */
    private static boolean ready(int port) {
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/observe/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void podman_compose_and_podman_still_need_the_two_changes() {
        Podman.Result range = podman("create", "--name", PROJECT + "_range-check", "-p", PORT_RANGE, "docker.io/apache/kafka:3.9.1", "true");
        podman("rm", "-f", PROJECT + "_range-check");
        assertThat(range.exit()).as("podman create -p %s", PORT_RANGE).isNotZero();
        assertThat(range.err()).contains("host and container port ranges have different lengths: 11 vs 1");

        Podman.Result dryRun = Podman.run(Duration.ofMinutes(1), env, null, "podman-compose", "--dry-run", "-p", PROJECT,
                "-f", "docker-compose.yml", "up", "-d", "--no-build", "--scale", "batch-to-stream=" + SPLITTERS);
        assertThat(dryRun.out().lines().filter(l -> l.startsWith("podman run --name=" + PROJECT + "_batch-to-stream_")).count())
                .as("splitters podman-compose would start with --scale batch-to-stream=%d", SPLITTERS).isEqualTo(2);
    }

    /** Host of each member of a group and how many partitions it holds (kafka-consumer-groups --members). */
    private static Map<String, Integer> members(String group) {
        Map<String, Integer> members = new LinkedHashMap<>();
        kafka("kafka-consumer-groups.sh", "--bootstrap-server", "localhost:9092", "--describe", "--members", "--group", group)
                .out().lines().map(String::trim).filter(l -> l.startsWith(group + " ")).forEach(l -> {
                    String[] cols = l.split("\\s+");   // GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS
                    members.merge(cols[2], Integer.parseInt(cols[cols.length - 1]), Integer::sum);
                });
        return members;
    }

    /** A group's committed offsets on a topic, summed by the host of the member holding each partition (kafka-consumer-groups --describe). */
    private static Map<String, Long> committedByHost(String group, String topic) {
        Map<String, Long> byHost = new LinkedHashMap<>();
        kafka("kafka-consumer-groups.sh", "--bootstrap-server", "localhost:9092", "--describe", "--group", group)
                .out().lines().map(l -> l.trim().split("\\s+")).filter(c -> c.length >= 6 && c[0].equals(group) && c[1].equals(topic))
                .forEach(c -> {   // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG [CONSUMER-ID HOST CLIENT-ID]; '-' for none
                    byHost.merge(c.length > 7 ? c[7] : "-", c[3].matches("\\d+") ? Long.parseLong(c[3]) : 0L, Long::sum);
                });
        return byHost;
    }

    /** The sum of a group's committed offsets on a topic, -1 when the group has no partition of it. */
    private static long committed(String group, String topic) {
        Map<String, Long> byHost = committedByHost(group, topic);
        return byHost.isEmpty() ? -1 : byHost.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The keys of a topic's first records, up to {@code max} (kafka-console-consumer, 10 s at most after the last one). */
    private static List<String> keys(String topic, int max) {
        return kafka("kafka-console-consumer.sh", "--bootstrap-server", "localhost:9092", "--topic", topic, "--from-beginning",
                "--max-messages", String.valueOf(max), "--timeout-ms", "10000", "--property", "print.key=true", "--property", "print.value=false")
                .out().lines().filter(l -> !l.isBlank()).toList();
    }

    /** The sum of a topic's end offsets (kafka-get-offsets), 0 when it does not exist. */
    private static long endOffsets(String topic) {
        return kafka("kafka-get-offsets.sh", "--bootstrap-server", "localhost:9092", "--topic", topic).out().lines()
                .filter(l -> l.startsWith(topic + ":")).mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(':') + 1))).sum();
    }

    /** One record per line, key TAB value, from the broker's own console producer (the compose network's kafka:9092 is not reachable from the host). */
    private static void produce(String topic, String lines) throws IOException {
        Path file = Files.writeString(WORK.resolve(topic + ".txt"), lines);
        Podman.run(Duration.ofMinutes(2), env, file, "podman", "exec", "-i", KAFKA, "/opt/kafka/bin/kafka-console-producer.sh",
                "--bootstrap-server", "localhost:9092", "--topic", topic, "--property", "parse.key=true").orFail("kafka-console-producer " + topic);
    }

    private static Podman.Result kafka(String tool, String... args) {
        List<String> cmd = new ArrayList<>(List.of("exec", KAFKA, "/opt/kafka/bin/" + tool));
        cmd.addAll(List.of(args));
        return podman(cmd.toArray(String[]::new));
    }

    private static Podman.Result podman(String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman"));
        cmd.addAll(List.of(args));
        return Podman.run(Duration.ofMinutes(1), env, null, cmd.toArray(String[]::new));
    }

    /**
     * docker-compose.yml as podman-compose 1.0.3 and podman 4.3 run it, for target/compose-it: each
     * change is one the file's own lines, made exactly where it says.
     */
    static String podmanVariant(String yaml) {
        Map<String, String> changes = new LinkedHashMap<>();
        // podman has no host port range for one container port (Docker picks a free port in it):
        // each splitter publishes 9876 on a host port podman picks.
        changes.put("- \"" + PORT_RANGE + "\"", "- \"9876\"");
        // `up --scale batch-to-stream=3`, which podman-compose 1.0.3 ignores: the replicas it reads.
        changes.put("replicas: 2", "replicas: " + SPLITTERS);
        // the file is in target/compose-it: podman-compose resolves paths from the file's folder
        changes.put("build: .\n", "build: ../..\n");
        changes.put("- ./", "- ../../");
        for (Map.Entry<String, String> c : changes.entrySet()) {
            assertThat(yaml).as("docker-compose.yml still has %s", c.getKey().trim()).contains(c.getKey());
            yaml = yaml.replace(c.getKey(), c.getValue());
        }
        return yaml;
    }

    private static Podman.Result compose(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman-compose", "-p", PROJECT, "-f", WORK.resolve("docker-compose.yml").toString()));
        cmd.addAll(List.of(args));
        return Podman.run(timeout, env, null, cmd.toArray(String[]::new));
    }
}
