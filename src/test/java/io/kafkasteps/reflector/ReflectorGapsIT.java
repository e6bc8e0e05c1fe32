package io.kafkasteps.reflector;

import static io.kafkasteps.testing.Management.freePort;
import static io.kafkasteps.testing.Management.get;
import static io.kafkasteps.testing.Management.metric;
import static io.kafkasteps.testing.Management.metricLine;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.kafkasteps.testing.AppProcess;
import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.TwoBrokerTestBase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gaps between the reflector's committed offset and the source log, between two real brokers, with
 * the packaged jar as a user runs it: the WARN line in its output, the counter and readiness over
 * its management port, and every copy read back from the sink broker.
 */
class ReflectorGapsIT extends TwoBrokerTestBase {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final AtomicInteger RUN = new AtomicInteger();
    static final String SKIPPED = "kafka_steps_reflector_skipped_records_total";

    static Admin sourceAdmin;

    @BeforeAll
    static void admin() {
        sourceAdmin = Admin.create(Map.of("bootstrap.servers", source.bootstrapServers()));
    }

    @AfterAll
    static void closeAdmin() {
        sourceAdmin.close(Duration.ofSeconds(5));
    }

    /** The reflector on one topic, by ALeRCE's variables, its management server on {@code port}. */
    private static Map<String, String> env(String topic, String group, int port) {
        Map<String, String> env = new HashMap<>();
        env.put("CONSUMER_SERVER", source.bootstrapServers());
        env.put("CONSUMER_GROUP_ID", group);
        env.put("CONSUMER_TOPICS", topic);
        env.put("CONSUME_TIMEOUT", "1");
        env.put("PRODUCER_SERVER", sink.bootstrapServers());
        env.put("CAMEL_MANAGEMENT_PORT", String.valueOf(port));
        env.put("REFLECTOR_PROGRESS_INTERVAL_MS", "500");
        return env;
    }

    private static void send(String topic, int partition, String... values) {
        for (String v : values) {
            src.send(topic, partition, null, v.getBytes(UTF_8), null, new RecordHeaders());
        }
    }

    private static List<String> range(String prefix, int from, int to) {
        List<String> values = new ArrayList<>();
        for (int i = from; i < to; i++) {
            values.add(prefix + i);
        }
        return values;
    }

    /** Retention, by hand: the source partition's records before {@code offset} are deleted. */
    private static void deleteBefore(String topic, int partition, long offset) throws Exception {
        TopicPartition tp = new TopicPartition(topic, partition);
        long low = sourceAdmin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(offset))).lowWatermarks().get(tp)
                .get(30, TimeUnit.SECONDS).lowWatermark();
        assertThat(low).as("log start of %s after deleteRecords", tp).isEqualTo(offset);
    }

    private static void stopGracefully(AppProcess app) {
        app.terminate();
        assertThat(app.waitFor(Duration.ofSeconds(60))).as("stopped by SIGTERM: %s", app.output()).isTrue();
    }

    private static List<String> warnings(AppProcess app) {
        return app.output().lines().filter(l -> l.contains(" WARN ") && l.contains("OffsetGaps")).toList();
    }

    /** One test's topic (on both brokers), group and management port. */
    record Case(String topic, String group, int port) {
        static Case of(String prefix, int partitions) throws Exception {
            int run = RUN.incrementAndGet();
            Case c = new Case(prefix + "-" + run, "g-" + run, freePort());
            src.createTopics(partitions, c.topic);
            dst.createTopics(partitions, c.topic);
            return c;
        }

        long committed() {
            return src.committed(group, topic);
        }

        Map<String, String> env() {
            return ReflectorGapsIT.env(topic, group, port);
        }
    }

    @Test
    void reports_records_deleted_before_they_were_copied_and_copies_on_from_the_log_start() throws Exception {
        Case c = Case.of("gap-continue", 1);
        String topic = c.topic();
        int port = c.port();
        send(topic, 0, range("r", 0, 5).toArray(String[]::new));
        try (AppProcess first = AppProcess.start(c.env(), "reflector")) {
            assertThat(Records.eventually(WAIT, () -> c.committed() == 5)).as("first run: %s", first.output()).isTrue();
            stopGracefully(first);
            assertThat(warnings(first)).as("a new group is no gap").isEmpty();
        }
        // while it is stopped: 10 more records, and retention deletes 7 of them before they were copied
        send(topic, 0, range("r", 5, 15).toArray(String[]::new));
        deleteBefore(topic, 0, 12);

        try (AppProcess second = AppProcess.start(c.env(), "reflector")) {
            assertThat(Records.eventually(WAIT, () -> c.committed() == 15))
                    .as("copies on from the log start: %s", second.output()).isTrue();
            assertThat(warnings(second)).hasSize(1);
            String warning = warnings(second).get(0);
            System.out.println("gap warning as printed: " + warning);
            assertThat(warning).contains("reflector: " + topic + "-0: 7 records skipped: deleted from the source before they were copied"
                    + " (committed offset 5, log start 12); copying on from offset 12 (reflector.on.gap=continue)");
            String labels = "partition=\"0\",topic=\"" + topic + "\"";
            assertThat(Records.eventually(WAIT, () -> metric(get(port, "/observe/metrics").body(), SKIPPED, labels) == 7))
                    .as("counter: %s", metricLine(get(port, "/observe/metrics").body(), SKIPPED, labels)).isTrue();
            System.out.println("gap metric as printed: " + metricLine(get(port, "/observe/metrics").body(), SKIPPED, labels));
            assertThat(Records.eventually(WAIT, () -> get(port, "/observe/health/ready").status() == 200))
                    .as("continue keeps the reflector ready: %s", get(port, "/observe/health/ready").body()).isTrue();

            send(topic, 0, "r15");
            assertThat(Records.eventually(WAIT, () -> c.committed() == 16)).isTrue();
            List<String> expected = new ArrayList<>(range("r", 0, 5));
            expected.addAll(range("r", 12, 16));
            assertThat(Records.values(dst.readToEnd(topic))).as("exactly the records copied before, then from the log start on")
                    .containsExactlyElementsOf(expected);
            stopGracefully(second);
        }
        try (AppProcess third = AppProcess.start(c.env(), "reflector")) {
            send(topic, 0, "r16");
            assertThat(Records.eventually(WAIT, () -> c.committed() == 17)).as(third.output()).isTrue();
            assertThat(warnings(third)).as("the gap was reported once: the skip is committed").isEmpty();
        }
    }

    @Test
    void stop_holds_the_partition_with_the_gap_reports_it_in_readiness_and_copies_the_others() throws Exception {
        Case c = Case.of("gap-stop", 2);
        String topic = c.topic();
        int port = c.port();
        Map<String, String> env = c.env();
        env.put("REFLECTOR_ON_GAP", "stop");
        send(topic, 0, "a0", "a1", "a2");
        send(topic, 1, "b0", "b1", "b2");
        try (AppProcess first = AppProcess.start(env, "reflector")) {
            assertThat(Records.eventually(WAIT, () -> c.committed() == 6)).as("first run: %s", first.output()).isTrue();
            stopGracefully(first);
        }
        send(topic, 0, range("a", 3, 10).toArray(String[]::new));
        send(topic, 1, "b3", "b4", "b5");
        deleteBefore(topic, 0, 6);   // a3, a4, a5 deleted before they were copied

        try (AppProcess second = AppProcess.start(env, "reflector")) {
            assertThat(Records.eventually(WAIT, () -> get(port, "/observe/health/ready").status() == 503
                    && get(port, "/observe/health/ready").body().contains("stopped (reflector.on.gap=stop)")))
                    .as("readiness DOWN with the reason: %s %s", get(port, "/observe/health/ready").body(), second.output()).isTrue();
            String ready = get(port, "/observe/health/ready").body();
            System.out.println("readiness as served: " + ready);
            assertThat(ready).contains(topic + "-0 stopped (reflector.on.gap=stop): 3 records deleted from the source before they"
                    + " were copied (committed offset 3, log start 6)");
            assertThat(warnings(second)).singleElement().asString().contains(topic + "-0: 3 records skipped",
                    "this partition is stopped, the others go on, readiness is DOWN (reflector.on.gap=stop)");
            System.out.println("stop warning as printed: " + warnings(second).get(0));
            assertThat(Records.eventually(WAIT, () -> metric(get(port, "/observe/metrics").body(), SKIPPED,
                    "partition=\"0\",topic=\"" + topic + "\"") == 3)).isTrue();

            send(topic, 1, "b6");
            send(topic, 0, "a10");
            assertThat(Records.eventually(WAIT, () -> c.committed() == 3 + 7)).as("partition 1 copied to its end: %s",
                    second.output()).isTrue();
            assertThat(Records.eventually(Duration.ofSeconds(2), () -> Records.values(dst.readToEnd(topic)).contains("a10")))
                    .as("a10 would be copied by now if partition 0 were not stopped").isFalse();
            List<String> out = Records.values(dst.readToEnd(topic));
            assertThat(out).as("partition 0 holds at its copied records, partition 1 goes on")
                    .containsExactlyInAnyOrder("a0", "a1", "a2", "b0", "b1", "b2", "b3", "b4", "b5", "b6");
            assertThat(c.committed()).as("nothing committed on the stopped partition: 3 on it, 7 on the other")
                    .isEqualTo(3 + 7);
            assertThat(get(port, "/observe/health/ready").status()).as("still DOWN").isEqualTo(503);
            stopGracefully(second);
        }
    }

    @Test
    void reports_a_committed_offset_past_the_end_of_a_recreated_topic_and_copies_it_from_its_start() throws Exception {
        Case c = Case.of("gap-recreated", 1);
        String topic = c.topic();
        int port = c.port();
        send(topic, 0, range("old", 0, 5).toArray(String[]::new));
        try (AppProcess first = AppProcess.start(c.env(), "reflector")) {
            assertThat(Records.eventually(WAIT, () -> c.committed() == 5)).as("first run: %s", first.output()).isTrue();
            stopGracefully(first);
        }
        sourceAdmin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        assertThat(Records.eventually(WAIT, () -> {
            try {
                src.createTopics(1, topic);
                return true;
            } catch (IllegalStateException stillBeingDeleted) {
                return false;
            }
        })).isTrue();
        send(topic, 0, "new0", "new1");
        // Kafka drops a deleted topic's committed offsets (a re-created topic alone is a new
        // partition to the group, copied from its start, silently). An offset that outlives its
        // topic (a rebuilt source cluster, offsets restored) is set here as it would be found.
        assertThat(Records.eventually(WAIT, () -> c.committed() == 0)).as("Kafka dropped the group's offset with the topic").isTrue();
        sourceAdmin.alterConsumerGroupOffsets(c.group(), Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(5)))
                .all().get(30, TimeUnit.SECONDS);

        try (AppProcess second = AppProcess.start(c.env(), "reflector")) {
            assertThat(Records.eventually(WAIT, () -> c.committed() == 2)).as("the new topic copied: %s", second.output()).isTrue();
            assertThat(warnings(second)).singleElement().asString().contains("reflector: " + topic + "-0: committed offset 5 is past"
                    + " the end of the partition (2): the topic looks re-created or truncated; copying on from offset 0");
            System.out.println("recreated warning as printed: " + warnings(second).get(0));
            String labels = "partition=\"0\",topic=\"" + topic + "\"";
            assertThat(Records.eventually(WAIT, () -> metric(get(port, "/observe/metrics").body(), SKIPPED, labels) == 0
                    && metric(get(port, "/observe/metrics").body(), "kafka_steps_reflector_gaps_total", "kind=\"recreated\"," + labels) == 1))
                    .as("counters: %s", get(port, "/observe/metrics").body().lines().filter(l -> l.contains(topic)).toList()).isTrue();
            List<String> expected = new ArrayList<>(range("old", 0, 5));
            expected.addAll(List.of("new0", "new1"));
            assertThat(Records.values(dst.readToEnd(topic))).containsExactlyElementsOf(expected);
        }
    }

    /** Records the reflector sent and the sink has not acknowledged (its gauge). */
    private static double inFlight(int port) {
        return metric(get(port, "/observe/metrics").body(), "kafka_steps_reflector_in_flight_records", "route=\"reflector\"");
    }

    @Test
    void reports_records_deleted_while_the_reflector_lagged_behind_them() throws Exception {
        Case c = Case.of("gap-mid-run", 1);
        String topic = c.topic();
        int port = c.port();
        // When a poll returns, the consumer sends its next fetch at once, and the broker holds it up to
        // fetch.max.wait.ms for records to arrive: m7..m12 written in that window would sit in the
        // consumer's buffer, fetched before they are deleted. Answered at once, that fetch is over
        // before the copy of m3..m6 is seen in flight, so m7..m12 are never fetched while it is held.
        try (AppProcess app = AppProcess.start(c.env(), "reflector", "--set", "reflector.consumer.kafka.fetch.max.wait.ms=0")) {
            send(topic, 0, "m0", "m1", "m2");
            assertThat(Records.eventually(WAIT, () -> c.committed() == 3)).as("copying: %s", app.output()).isTrue();

            // The sink goes away: the next batch (m3..m6) is fetched and held in its send, uncommitted.
            sink.stop();
            try {
                src.sendAll(topic, range("m", 3, 7));   // one producer batch: fetched together, one copy batch
                assertThat(Records.eventually(WAIT, () -> inFlight(port) == 4))
                        .as("m3..m6 fetched and held in their send: %s", app.output()).isTrue();
                src.sendAll(topic, range("m", 7, 13));
                deleteBefore(topic, 0, 10);   // m7, m8, m9: deleted behind the reflector's back
                // still held: the consumer sends no fetch while it waits on the sink, so m7..m9 were never fetched
                assertThat(inFlight(port)).as("the held batch, nothing more").isEqualTo(4);
            } finally {
                sink.restart();
            }
            assertThat(Records.eventually(WAIT, () -> c.committed() == 13))
                    .as("the held batch delivered, the gap skipped, the rest copied: %s", app.output()).isTrue();
            assertThat(warnings(app)).singleElement().asString().contains(topic + "-0: 3 records skipped: deleted from the source"
                    + " before they were copied (committed offset 7, log start 10); copying on from offset 10");
            app.output().lines().filter(l -> l.contains(" WARN ")).forEach(l -> System.out.println("mid-run WARN: " + l));
            assertThat(Records.eventually(WAIT, () -> metric(get(port, "/observe/metrics").body(), SKIPPED,
                    "partition=\"0\",topic=\"" + topic + "\"") == 3)).isTrue();
            List<String> expected = new ArrayList<>(range("m", 0, 7));
            expected.addAll(range("m", 10, 13));
            assertThat(Records.values(dst.readToEnd(topic))).containsExactlyElementsOf(expected);
        }
    }
}
