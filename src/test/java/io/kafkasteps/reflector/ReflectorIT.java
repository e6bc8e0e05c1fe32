package io.kafkasteps.reflector;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.kafkasteps.testing.TwoBrokerTestBase;
import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.RunningApp;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The reflector between two real brokers; every assertion reads the sink back. */
class ReflectorIT extends TwoBrokerTestBase {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final AtomicInteger RUN = new AtomicInteger();

    /** The reflector between the two brokers for a group; a test adds its topics. */
    static Map<String, String> settings(String group) {
        Map<String, String> s = new HashMap<>();
        s.put("reflector.consumer.server", source.bootstrapServers());
        s.put("reflector.producer.server", sink.bootstrapServers());
        s.put("reflector.consumer.group.id", group);
        s.put("reflector.consume.timeout", "1");
        s.put("reflector.consumer.metadata.max.age.ms", "1000");
        s.put("reflector.retry.initial.delay.ms", "200");
        s.put("reflector.retry.max.delay.ms", "1000");
        s.put("reflector.drain.check.interval.ms", "500");
        return s;
    }

    private static RunningApp start(Map<String, String> settings) {
        RunningApp app = RunningApp.start(settings, "reflector");
        CamelContext ctx = app.app().context();
        assertThat(Records.eventually(WAIT, () -> ctx.getRouteController().getRouteStatus("reflector") == ServiceStatus.Started))
                .as("the reflector route is started on its topics").isTrue();
        return app;
    }

    private static String name(String prefix) {
        return prefix + "-" + RUN.incrementAndGet();
    }

    @Test
    void a_record_is_copied_when_its_poll_returns_not_after_consume_timeout() {
        String topic = name("trickle");
        src.createTopics(1, topic);
        dst.createTopics(1, topic);
        Map<String, String> s = settings(name("g"));
        s.put("reflector.consumer.topics", topic);
        s.put("reflector.consume.timeout", "120");   // ALeRCE's longest wait of one poll: it must not delay fetched records
        try (RunningApp app = start(s)) {
            src.send(topic, "first", "1");
            assertThat(dst.read(topic, 1, WAIT)).as("the first record, well before a 120 s poll timeout").hasSize(1);
            src.send(topic, "second", "2");
            assertThat(dst.read(topic, 2, WAIT)).as("a second record of a trickle, too").hasSize(2);
            assertThat(Records.eventually(WAIT, () -> src.committed(s.get("reflector.consumer.group.id"), topic) == 2)).isTrue();
        }
    }

    @Test
    void a_record_the_sink_refuses_holds_its_partition_until_accepted_then_every_record_lands_in_order() {
        String topic = name("refused");
        src.createTopics(1, topic);
        dst.createTopic(topic, Map.of("max.message.bytes", "300000"));
        Map<String, String> s = settings(name("g"));
        s.put("reflector.consumer.topics", topic);
        String group = s.get("reflector.consumer.group.id");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(i == 100 ? "100:" + "x".repeat(400_000) : i + ":small");
        }
        src.sendAll(topic, sent);
        try (RunningApp app = start(s)) {
            assertThat(Records.eventually(WAIT, () -> src.committed(group, topic) == 100)).as("copied up to the refused record").isTrue();
            // the refused record is retried with backoff (read again from the source each time), never skipped
            assertThat(Records.eventually(Duration.ofSeconds(5), () -> src.committed(group, topic) > 100)).isFalse();
            dst.alterTopicConfig(topic, "max.message.bytes", "1048576");
            assertThat(Records.eventually(Duration.ofSeconds(60), () -> src.committed(group, topic) == 200)).as("all copied once accepted").isTrue();
        }
        List<String> copied = Records.values(dst.readToEnd(topic));
        assertThat(new HashSet<>(copied)).isEqualTo(new HashSet<>(sent));
        // at least once: records after the refused one may land twice, but the last copy of each comes in source order
        List<String> lastCopies = new ArrayList<>();
        for (int i = copied.size() - 1; i >= 0; i--) {
            if (!lastCopies.contains(copied.get(i))) {
                lastCopies.add(0, copied.get(i));
            }
        }
        assertThat(lastCopies).isEqualTo(sent);
        assertThat(copied.subList(0, 100)).isEqualTo(sent.subList(0, 100));
    }

    @Test
    void copies_keys_values_headers_and_timestamps_byte_for_byte_into_the_same_topics() {
        String a = name("fixed-a");
        String b = name("fixed-b");
        src.createTopics(1, a, b);
        dst.createTopics(1, a, b);
        RecordHeaders headers = new RecordHeaders();
        headers.add("z-first", "1".getBytes(UTF_8));
        headers.add("a-second", new byte[] {0, (byte) 0xff});
        headers.add("z-first", "dup".getBytes(UTF_8));
        headers.add("kafka.internal-looking", "kept".getBytes(UTF_8));
        headers.add("CamelLooking", null);
        src.send(a, null, new byte[] {1, 2, 3}, new byte[] {(byte) 0xc3, 0x28, 0}, 1_600_000_000_000L, headers);
        src.send(a, null, null, "no key".getBytes(UTF_8), 1_600_000_000_001L, new RecordHeaders());
        src.send(a, null, "tomb".getBytes(UTF_8), null, 1_600_000_000_002L, new RecordHeaders());
        src.send(b, null, "k".getBytes(UTF_8), "in b".getBytes(UTF_8), 1_600_000_000_003L, new RecordHeaders());

        Map<String, String> s = settings(name("g"));
        s.put("reflector.consumer.topics", a + "," + b);
        try (RunningApp app = start(s)) {
            List<ConsumerRecord<byte[], byte[]>> outA = dst.read(a, 3, WAIT);
            List<ConsumerRecord<byte[], byte[]>> outB = dst.read(b, 1, WAIT);
            List<ConsumerRecord<byte[], byte[]>> inA = src.readToEnd(a);
            assertThat(outA).hasSize(3);
            for (int i = 0; i < 3; i++) {
                ConsumerRecord<byte[], byte[]> in = inA.get(i);
                ConsumerRecord<byte[], byte[]> out = outA.get(i);
                assertThat(out.key()).isEqualTo(in.key());
                assertThat(out.value()).isEqualTo(in.value());
                assertThat(out.timestamp()).isEqualTo(in.timestamp());
                assertThat(headerList(out)).isEqualTo(headerList(in));
            }
            assertThat(outA.get(1).key()).isNull();
            assertThat(outA.get(2).value()).as("tombstone stays a tombstone").isNull();
            assertThat(headerList(outA.get(0))).containsExactly("z-first=[49]", "a-second=[0, -1]", "z-first=[100, 117, 112]",
                    "kafka.internal-looking=[107, 101, 112, 116]", "CamelLooking=null");
            assertThat(outB).extracting(r -> Records.text(r.value())).containsExactly("in b");
            assertThat(Records.eventually(WAIT, () -> src.committed(s.get("reflector.consumer.group.id"), a) == 3)).isTrue();
        }
    }

    @Test
    void producer_topic_collects_every_source_topic() {
        String a = name("many-a");
        String b = name("many-b");
        String target = name("all");
        src.createTopics(1, a, b);
        dst.createTopics(1, target);
        src.send(a, "1", "from a");
        src.send(b, "2", "from b");
        Map<String, String> s = settings(name("g"));
        s.put("reflector.consumer.topics", a + "," + b);
        s.put("reflector.producer.topic", target);
        try (RunningApp app = start(s)) {
            assertThat(Records.values(dst.read(target, 2, WAIT))).containsExactlyInAnyOrder("from a", "from b");
            assertThat(dst.topics()).doesNotContain(a, b);
        }
    }

    @Test
    void keep_original_timestamp_false_lets_the_sink_stamp_records() {
        String t = name("stamp");
        src.createTopics(1, t);
        dst.createTopics(1, t);
        src.send(t, null, null, "old".getBytes(UTF_8), 1_000L, new RecordHeaders());
        Map<String, String> s = settings(name("g"));
        s.put("reflector.consumer.topics", t);
        s.put("reflector.keep.original.timestamp", "false");
        long before = System.currentTimeMillis();
        try (RunningApp app = start(s)) {
            List<ConsumerRecord<byte[], byte[]>> out = dst.read(t, 1, WAIT);
            assertThat(out).hasSize(1);
            assertThat(out.get(0).timestamp()).isGreaterThanOrEqualTo(before);
        }
    }

    @Test
    void keep_partition_keeps_each_record_in_its_source_partition() {
        String t = name("parts");
        src.createTopics(3, t);
        dst.createTopics(3, t);
        for (int p = 0; p < 3; p++) {
            src.send(t, p, null, ("p" + p).getBytes(UTF_8), null, new RecordHeaders());
        }
        Map<String, String> s = settings(name("g"));
        s.put("reflector.consumer.topics", t);
        s.put("reflector.keep.partition", "true");
        try (RunningApp app = start(s)) {
            List<ConsumerRecord<byte[], byte[]>> out = dst.read(t, 3, WAIT);
            assertThat(out).hasSize(3).allSatisfy(r -> assertThat(Records.text(r.value())).isEqualTo("p" + r.partition()));
        }
    }

    @Test
    void a_topic_created_after_start_is_picked_up_and_never_auto_created() {
        String early = name("early");
        String late = name("late");
        src.createTopics(1, early);
        dst.createTopics(1, early, late);
        Map<String, String> s = settings(name("g"));
        s.put("reflector.consumer.topics", early + "," + late);
        try (RunningApp app = start(s)) {
            src.send(early, null, "e");
            assertThat(dst.read(early, 1, WAIT)).hasSize(1);
            assertThat(src.topics()).doesNotContain(late);
            src.createTopics(1, late);
            src.send(late, null, "l");
            assertThat(Records.values(dst.read(late, 1, WAIT))).containsExactly("l");
        }
    }

    @Test
    void rollover_while_records_flow_loses_nothing() throws Exception {
        String prefix = name("day");
        String d1 = prefix + "_20300101";
        String d2 = prefix + "_20300102";
        src.createTopics(1, d1, d2);
        dst.createTopics(1, d1, d2);
        Map<String, String> s = settings(name("g"));
        s.put("reflector.topic.strategy.format", prefix + "_%s");
        s.put("reflector.topic.strategy.lookback.days", "0");
        try (RunningApp app = start(s)) {
            CamelContext ctx = app.app().context();
            TopicSubscription topics = ctx.getRegistry().lookupByNameAndType("reflectorTopics", TopicSubscription.class);
            assertThat(topics.refreshAt(ctx, Instant.parse("2030-01-01T12:00:00Z"))).containsExactly(d1);
            long rolloversBefore = topics.rollovers();

            AtomicBoolean flowing = new AtomicBoolean(true);
            AtomicInteger sentD1 = new AtomicInteger();
            AtomicInteger sentD2 = new AtomicInteger();
            Thread producer = new Thread(() -> {
                while (flowing.get()) {
                    int n = sentD1.incrementAndGet();
                    src.send(d1, null, "d1-" + n);
                    if (n % 2 == 0) {
                        src.send(d2, null, "d2-" + sentD2.incrementAndGet());
                    }
                }
            });
            producer.start();
            assertThat(Records.eventually(WAIT, () -> sentD1.get() > 200)).isTrue();
            assertThat(topics.refreshAt(ctx, Instant.parse("2030-01-01T23:00:00Z"))).containsExactly(d1, d2);
            int atFirstSwitch = sentD1.get();
            assertThat(Records.eventually(WAIT, () -> sentD1.get() > atFirstSwitch + 200)).isTrue();
            int beforeLastSwitch = sentD1.get();   // records 1 to beforeLastSwitch - 1 are on the source
            assertThat(topics.refreshAt(ctx, Instant.parse("2030-01-02T00:00:00Z"))).containsExactly(d2);
            flowing.set(false);
            producer.join();
            assertThat(Records.eventually(WAIT, () -> topics.draining().isEmpty())).as("d1, out of the set, drained and dropped").isTrue();
            assertThat(topics.rollovers()).isEqualTo(rolloversBefore + 2);
            var registry = ctx.getRegistry().findSingleByType(io.micrometer.core.instrument.MeterRegistry.class);
            assertThat(registry.find("kafka_steps_reflector_topics").gauges()).extracting(g -> g.getId().getTag("topic"))
                    .containsExactly(d2);
            assertThat(registry.find("kafka_steps_reflector_rollovers_total").functionCounter().count()).isEqualTo(rolloversBefore + 2);
            assertThat(registry.find("kafka_steps_step_info").tag("step_version", "dev").gauge()).isNotNull();

            // d1 is read until drained (its committed offsets at the end offsets of a check after it left the
            // set): every record on the source before the switch that removed it must be there;
            // d2 from the first switch on, and everything sent to it (it stays in the set).
            Set<String> outD1 = new HashSet<>(Records.values(dst.readToEnd(d1)));
            Set<String> outD2 = new HashSet<>(Records.values(dst.read(d2, sentD2.get(), WAIT)));
            for (int i = 1; i < beforeLastSwitch; i++) {
                assertThat(outD1).as("d1 record %d of %d", i, sentD1.get()).contains("d1-" + i);
            }
            List<String> missingD2 = new ArrayList<>();
            for (int i = 1; i <= sentD2.get(); i++) {
                if (!outD2.contains("d2-" + i)) {
                    missingD2.add("d2-" + i);
                }
            }
            assertThat(missingD2).isEmpty();
        }
    }

    private static List<String> headerList(ConsumerRecord<byte[], byte[]> r) {
        List<String> list = new ArrayList<>();
        for (Header h : r.headers()) {
            list.add(h.key() + "=" + (h.value() == null ? "null" : java.util.Arrays.toString(h.value())));
        }
        return list;
    }
}
