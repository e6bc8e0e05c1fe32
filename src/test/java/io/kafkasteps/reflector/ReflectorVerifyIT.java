package io.kafkasteps.reflector;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.kafkasteps.testing.LauncherRun;
import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.RunningApp;
import io.kafkasteps.testing.TwoBrokerTestBase;
import org.apache.camel.ServiceStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** {@code reflector --verify} between two real brokers: the reflector's own copies, and sinks written by the test. */
class ReflectorVerifyIT extends TwoBrokerTestBase {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final AtomicInteger RUN = new AtomicInteger();

    private static String name(String prefix) {
        return prefix + "-" + RUN.incrementAndGet();
    }

    /** The reflector's settings, as keys; both the copy and the verify read them. */
    private static Map<String, String> settings(String topics) {
        Map<String, String> s = new HashMap<>();
        s.put("reflector.consumer.server", source.bootstrapServers());
        s.put("reflector.producer.server", sink.bootstrapServers());
        s.put("reflector.consumer.topics", topics);
        return s;
    }

    /** {@code kafka-steps reflector --verify ARGS}, in this JVM, the settings given as environment variables. */
    private static LauncherRun verify(Map<String, String> settings, String... args) {
        List<String> all = new ArrayList<>(List.of("reflector", "--verify"));
        all.addAll(List.of(args));
        return LauncherRun.withSettings(settings, all.toArray(String[]::new));
    }

    /**
     * {@code n} records over the topic's partitions: keys (every 5th null), values (every 7th a
     * tombstone), two headers of the same name and one more, and timestamps of their own.
     */
    private static void fill(String topic, int partitions, int n) {
        for (int i = 0; i < n; i++) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("seq", String.valueOf(i).getBytes(UTF_8));
            headers.add("seq", "again".getBytes(UTF_8));
            headers.add("kind", i % 2 == 0 ? null : new byte[] {0, (byte) 0xff});
            src.send(topic, i % partitions, i % 5 == 0 ? null : ("k" + i).getBytes(UTF_8),
                    i % 7 == 3 ? null : (topic + " value " + i).getBytes(UTF_8), 1_700_000_000_000L + i, headers);
        }
    }

    /** Runs the reflector until the sink topics hold the records expected (per topic), then stops it. */
    private static void reflect(Map<String, String> settings, Map<String, Integer> expected) {
        Map<String, String> s = new HashMap<>(settings);
        s.put("reflector.consumer.group.id", name("verify-group"));
        s.put("reflector.consume.timeout", "1");
        try (RunningApp app = RunningApp.start(s, "reflector")) {
            assertThat(Records.eventually(WAIT, () -> app.app().context().getRouteController().getRouteStatus("reflector") == ServiceStatus.Started))
                    .isTrue();
            expected.forEach((topic, n) -> assertThat(dst.read(topic, n, WAIT)).as("the reflector's copies on %s", topic).hasSize(n));
        }
    }

    /** What a test writes to the sink instead of the reflector: a source record, or one changed. */
    private static void copy(ConsumerRecord<byte[], byte[]> r, String topic, Integer partition, byte[] value, RecordHeaders headers) {
        dst.send(topic, partition, r.key(), value, r.timestamp(), headers);
    }

    private static RecordHeaders headersOf(ConsumerRecord<byte[], byte[]> r) {
        return new RecordHeaders(r.headers().toArray());
    }

    @Test
    void a_correct_copy_by_the_reflector_passes_with_exit_0() {
        String a = name("same-a");
        String b = name("same-b");
        src.createTopics(2, a, b);
        dst.createTopics(2, a, b);
        fill(a, 2, 12);
        fill(b, 2, 9);
        Map<String, String> s = settings(a + "," + b);
        reflect(s, Map.of(a, 12, b, 9));

        LauncherRun r = verify(s);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.outLines()).containsExactly(
                "verify: source " + source.bootstrapServers() + " [" + a + ", " + b + "] -> sink " + sink.bootstrapServers() + " [" + a + ", " + b
                        + "]; every record; timestamps compared; partitions chosen by the producer",
                "verify: 21 source records, 21 sink records: copied 21, missing 0, extra 0, different 0",
                "verify: OK");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void a_correct_copy_into_one_producer_topic_passes_with_exit_0() {
        String a = name("into-a");
        String b = name("into-b");
        String all = name("into-all");
        src.createTopics(3, a, b);
        dst.createTopics(2, all);
        fill(a, 3, 10);
        fill(b, 3, 10);
        Map<String, String> s = settings(a + "," + b);
        s.put("reflector.producer.topic", all);
        reflect(s, Map.of(all, 20));

        LauncherRun r = verify(s);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.outLines()).contains("verify: 20 source records, 20 sink records: copied 20, missing 0, extra 0, different 0", "verify: OK");
        assertThat(r.out()).contains("-> sink " + sink.bootstrapServers() + " [" + all + "]");
    }

    @Test
    void a_copy_that_kept_partitions_and_let_the_sink_stamp_passes_with_exit_0() {
        String t = name("kept");
        src.createTopics(3, t);
        dst.createTopics(3, t);
        fill(t, 3, 15);
        Map<String, String> s = settings(t);
        s.put("reflector.keep.partition", "true");
        s.put("reflector.keep.original.timestamp", "false");
        reflect(s, Map.of(t, 15));

        LauncherRun r = verify(s);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.outLines()).contains("verify: 15 source records, 15 sink records: copied 15, missing 0, extra 0, different 0", "verify: OK");
        assertThat(r.out()).contains("timestamps not compared; partitions kept");
        Map<String, String> comparing = new HashMap<>(s);
        comparing.put("reflector.keep.original.timestamp", "true");
        LauncherRun strict = verify(comparing);
        assertThat(strict.code()).as("the sink's own timestamps, compared").isEqualTo(1);
        assertThat(strict.out()).contains("copied 0, missing 0, extra 0, different 15").contains("same key, differs in timestamp (");
    }

    @Test
    void reports_one_missing_and_one_altered_record() {
        String t = name("broken");
        src.createTopics(2, t);
        dst.createTopics(2, t);
        fill(t, 2, 10);
        // The sink as a reflector that lost partition 1's offset 1 and changed partition 0's offset 3
        // would leave it (source offsets: partition 0 holds records 0, 2, 4, ...; partition 1 records 1, 3, 5, ...).
        int[] sinkOffset = new int[2];
        for (ConsumerRecord<byte[], byte[]> r : src.readToEnd(t)) {
            if (r.partition() == 1 && r.offset() == 1) {
                continue;
            }
            byte[] value = r.partition() == 0 && r.offset() == 3 ? "altered".getBytes(UTF_8) : r.value();
            copy(r, t, r.partition(), value, headersOf(r));
            sinkOffset[r.partition()]++;
        }
        LauncherRun r = verify(settings(t));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.outLines()).containsExactly(
                "verify: source " + source.bootstrapServers() + " [" + t + "] -> sink " + sink.bootstrapServers() + " [" + t
                        + "]; every record; timestamps compared; partitions chosen by the producer",
                "verify: 10 source records, 9 sink records: copied 8, missing 1, extra 0, different 1",
                "verify: missing " + t + "-1@1",
                "verify: different " + t + "-0@3 vs sink " + t + "-0@3: same key, differs in value",
                "verify: FAILED: 1 missing, 1 different");
        assertThat(sinkOffset).containsExactly(5, 4);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void reports_one_missing_and_one_altered_record_in_the_producer_topic() {
        String a = name("pt-a");
        String b = name("pt-b");
        String all = name("pt-all");
        src.createTopics(2, a, b);
        dst.createTopics(2, all);
        fill(a, 2, 8);
        fill(b, 2, 8);
        // Copied as the reflector copies into one topic: the producer picks each partition.
        for (String topic : List.of(a, b)) {
            for (ConsumerRecord<byte[], byte[]> r : src.readToEnd(topic)) {
                if (topic.equals(a) && r.partition() == 0 && r.offset() == 2) {
                    continue;
                }
                RecordHeaders headers = headersOf(r);
                if (topic.equals(b) && r.partition() == 1 && r.offset() == 1) {
                    headers.add("added", "by the test".getBytes(UTF_8));
                }
                copy(r, all, null, r.value(), headers);
            }
        }
        Map<String, String> s = settings(a + "," + b);
        s.put("reflector.producer.topic", all);
        LauncherRun r = verify(s);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.outLines()).hasSize(5);
        assertThat(r.outLines().get(1)).isEqualTo("verify: 16 source records, 15 sink records: copied 14, missing 1, extra 0, different 1");
        assertThat(r.outLines().get(2)).isEqualTo("verify: missing " + a + "-0@2");
        assertThat(r.outLines().get(3)).matches("verify: different " + b + "-1@1 vs sink " + all + "-[01]@\\d+: same key, differs in headers");
        assertThat(r.outLines().get(4)).isEqualTo("verify: FAILED: 1 missing, 1 different");
    }

    @Test
    void since_leaves_out_older_source_records() {
        String t = name("since");
        src.createTopics(1, t);
        dst.createTopics(1, t);
        for (int i = 0; i < 3; i++) {
            src.send(t, 0, ("old" + i).getBytes(UTF_8), "before 2021".getBytes(UTF_8), 1_600_000_000_000L + i, new RecordHeaders());
        }
        for (int i = 0; i < 4; i++) {
            src.send(t, 0, ("new" + i).getBytes(UTF_8), "now".getBytes(UTF_8), null, new RecordHeaders());
        }
        for (ConsumerRecord<byte[], byte[]> r : src.readToEnd(t)) {
            if (r.timestamp() >= 1_700_000_000_000L) {
                copy(r, t, 0, r.value(), headersOf(r));
            }
        }
        LauncherRun everything = verify(settings(t));
        assertThat(everything.code()).isEqualTo(1);
        assertThat(everything.out()).contains("copied 4, missing 3, extra 0, different 0");

        LauncherRun since = verify(settings(t), "--since", "2021-01-01T00:00:00Z");
        assertThat(since.code()).as(since.out()).isZero();
        assertThat(since.outLines()).contains("verify: 4 source records, 4 sink records: copied 4, missing 0, extra 0, different 0", "verify: OK");
        assertThat(since.out()).contains("; records from 2021-01-01T00:00:00Z;");
    }

    @Test
    void an_unreachable_sink_is_one_line_and_exit_1() {
        String t = name("nosink");
        src.createTopics(1, t);
        Map<String, String> s = settings(t);
        s.put("reflector.producer.server", "127.0.0.1:1");
        s.put("reflector.verify.timeout.ms", "1500");
        LauncherRun r = verify(s);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).hasSize(1)
                .allMatch(l -> l.startsWith("kafka-steps: verify: cannot read the sink cluster 127.0.0.1:1: TimeoutException"));
    }
}
