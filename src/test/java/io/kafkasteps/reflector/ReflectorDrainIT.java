package io.kafkasteps.reflector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kafkasteps.testing.CapturedLog;
import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.RunningApp;
import io.kafkasteps.testing.TwoBrokerTestBase;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

/**
 * A daily topic that leaves the set with records not copied yet (lookback 0, a slowed sink) is
 * read on to its end, then dropped; every record is read back from the sink broker.
 */
class ReflectorDrainIT extends TwoBrokerTestBase {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final int RECORDS = 30_000;
    static final Pattern DRAINED = Pattern.compile("reflector: (\\S+) drained \\(([0-9,]+) records since it left the set\\), dropped from the subscription");

    @Test
    void a_topic_that_leaves_the_set_is_copied_to_its_end_before_it_is_dropped() throws Exception {
        String prefix = "drain";
        String d1 = prefix + "_20300101";
        String d2 = prefix + "_20300102";
        String group = "drain-reflector";
        src.createTopics(3, d1, d2);
        dst.createTopics(1, d1, d2);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            expected.add("d1-" + i);
        }
        // two thirds in partition 0, a third in partition 1; partition 2 holds nothing (it counts as drained)
        src.sendAll(d1, 0, expected.subList(0, 20_000));
        src.sendAll(d1, 1, expected.subList(20_000, RECORDS));
        // a slow sink: the reflector's producer gets 10 kB/s, so d1 (about 0.6 MB) is far from copied at the rollover
        // (the broker throttles after the fact: the pipelined copy's first sends get through at full speed)
        dst.quota(group + "-producer", "producer_byte_rate", 10_000.0);

        Map<String, String> s = ReflectorIT.settings(group);   // drain checked every 500 ms
        s.put("reflector.topic.strategy.format", prefix + "_%s");
        s.put("reflector.topic.strategy.lookback.days", "0");
        try (CapturedLog log = CapturedLog.start(); RunningApp app = RunningApp.start(s, "reflector")) {
            CamelContext ctx = app.app().context();
            assertThat(Records.eventually(WAIT, () -> ctx.getRouteController().getRouteStatus("reflector") == ServiceStatus.Started)).isTrue();
            TopicSubscription topics = ctx.getRegistry().lookupByNameAndType("reflectorTopics", TopicSubscription.class);
            MeterRegistry registry = ctx.getRegistry().findSingleByType(MeterRegistry.class);

            // 23:00: today's and tomorrow's topics; the real clock's topics left the set and are not on the source
            // (one of them, or two when the test starts after 23:00 UTC, when the real clock's set holds tomorrow's too)
            assertThat(topics.refreshAt(ctx, Instant.parse("2030-01-01T23:00:00Z"))).containsExactly(d1, d2);
            assertThat(log.lines("is not on the source (nothing to copy), dropped from the subscription")).hasSizeBetween(1, 2)
                    .noneMatch(l -> l.contains(d1) || l.contains(d2));
            assertThat(Records.eventually(WAIT, () -> src.committed(group, d1) > 0)).as("the copy of d1 is under way").isTrue();

            // midnight: d1 leaves the set with most of its records not copied
            long committedBefore = src.committed(group, d1);
            assertThat(topics.refreshAt(ctx, Instant.parse("2030-01-02T00:00:00Z"))).containsExactly(d2);
            long committedAfter = src.committed(group, d1);
            assertThat(committedAfter).as("records of d1 not copied when it left the set").isLessThan(RECORDS);
            assertThat(topics.current()).containsExactly(d2);
            assertThat(topics.draining()).containsExactly(d1);
            assertThat(topics.subscribed()).containsExactlyInAnyOrder(d1, d2);
            assertThat(registry.find("kafka_steps_reflector_draining_topics").tag("topic", d1).gauge().value())
                    .as("records left to copy of d1 (at the last check)").isPositive().isLessThanOrEqualTo(RECORDS - committedBefore);
            assertThat(log.lines("-> [" + d2 + "]; draining [" + d1 + "]")).hasSize(1);
            dst.quota(group + "-producer", "producer_byte_rate", null);   // the sink at full speed again

            // every record of d1 on the sink, each once, then d1 dropped
            assertThat(Records.eventually(WAIT, () -> topics.draining().isEmpty())).as("d1 drained and dropped").isTrue();
            assertThat(src.committed(group, d1)).isEqualTo(RECORDS);
            List<String> out = Records.values(dst.readToEnd(d1));
            assertThat(new HashSet<>(out)).as("every record of d1, nothing else").isEqualTo(new HashSet<>(expected));
            assertThat(out).as("records of d1 on the sink").hasSize(RECORDS);

            List<String> drained = log.lines(" drained (");
            assertThat(drained).as("one drained line").hasSize(1);
            Matcher m = DRAINED.matcher(drained.get(0));
            assertThat(m.find()).as(drained.get(0)).isTrue();
            assertThat(m.group(1)).isEqualTo(d1);
            long since = Long.parseLong(m.group(2).replace(",", ""));
            assertThat(since).as("records copied since d1 left the set").isBetween(RECORDS - committedAfter, RECORDS - committedBefore);

            assertThat(topics.subscribed()).containsExactly(d2);
            assertThat(Records.eventually(WAIT, () -> src.assignedTopics(group).equals(java.util.Set.of(d2))))
                    .as("the group's consumer is assigned d2 only, as the source broker sees it").isTrue();
            assertThat(registry.find("kafka_steps_reflector_topics").gauges()).extracting(g -> g.getId().getTag("topic")).containsExactly(d2);
            assertThat(registry.find("kafka_steps_reflector_draining_topics").gauges()).isEmpty();
            assertThat(topics.rollovers()).isEqualTo(2);

            // d2 (still in the set) is copied as before
            src.send(d2, null, "d2-after");
            assertThat(Records.values(dst.read(d2, 1, WAIT))).containsExactly("d2-after");
            System.out.printf("drain: %d records of d1, %d committed when it left the set (%d to %d), %s%n",
                    RECORDS, committedAfter, committedBefore, committedAfter, m.group());
        } finally {
            dst.quota(group + "-producer", "producer_byte_rate", null);
        }
    }
}
