package io.kafkasteps.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kafkasteps.testing.RouteSettings;
import io.kafkasteps.testing.BrokerTestBase;
import io.kafkasteps.testing.AppProcess;
import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Records;
import org.junit.jupiter.api.Test;

/** Two batch-to-stream processes in one consumer group over a 4-partition source: they share, and one takes over when the other is killed. */
class SplitterScaleOutIT extends BrokerTestBase {

    static final int PARTITIONS = 4;
    static final int EVENTS = 20;
    static final Pattern TOTAL = Pattern.compile("batch-to-stream: (\\d+) batches in, .*total (\\d+) events");


    static String batch(int b) {
        StringBuilder sb = new StringBuilder("{\"events\":[");
        for (int e = 0; e < EVENTS; e++) {
            sb.append(e == 0 ? "" : ",").append("{\"id\":\"").append(b).append('-').append(e).append("\"}");
        }
        return sb.append("]}").toString();
    }

    /** The events an instance reported delivered (its last progress line's total). */
    static long reportedEvents(AppProcess app) {
        long total = 0;
        Matcher m = TOTAL.matcher(app.output());
        while (m.find()) {
            total = Long.parseLong(m.group(2));
        }
        return total;
    }

    @Test
    void two_instances_share_the_partitions_and_the_survivor_takes_over_a_killed_one_losing_nothing() {
        String source = "scale-batches", sink = "scale-events", dlq = "scale-events.dlq", group = "scale-splitter";
        records.createTopics(PARTITIONS, source, sink);
        records.createTopics(1, dlq);
        Map<String, String> settings = RouteSettings.splitter(kafka.bootstrapServers(), source, sink, group);
        settings.put("splitter.progress.interval.ms", "1000");
        Map<String, String> env = Jar.env(settings);

        try (SteadyStream stream = new SteadyStream(kafka.bootstrapServers());
                AppProcess a = Jar.start(env, "batch-to-stream");
                AppProcess b = Jar.start(env, "batch-to-stream")) {
            stream.start(source, 5, 100, SplitterScaleOutIT::batch);
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> reportedEvents(a) >= 1000 && reportedEvents(b) >= 1000 || !a.alive() || !b.alive()))
                    .as("both instances make progress:\nA: %s\nB: %s", Jar.tail(a.output(), 20), Jar.tail(b.output(), 20)).isTrue();
            assertThat(a.alive() && b.alive()).isTrue();
            assertThat(Records.eventually(Duration.ofSeconds(60), () -> records.committedByPartition(group, source).size() == PARTITIONS))
                    .as("every partition is consumed").isTrue();
            long aBefore = reportedEvents(a);
            long bBefore = reportedEvents(b);

            Map<Integer, Long> atKill = records.committedByPartition(group, source);
            long killing = System.nanoTime();
            a.kill();
            long[] takeover = {-1};
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> {
                Map<Integer, Long> now = records.committedByPartition(group, source);
                return atKill.keySet().stream().allMatch(p -> now.getOrDefault(p, 0L) > atKill.get(p));
            })).as("the survivor takes over every partition: %s", Jar.tail(b.output(), 30)).isTrue();
            takeover[0] = System.nanoTime() - killing;
            long bAtTakeover = reportedEvents(b);

            int batches = stream.stop();
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> records.committed(group, source) == batches))
                    .as("every batch committed by the survivor: %s", Jar.tail(b.output(), 30)).isTrue();
            assertThat(b.alive()).isTrue();
            Jar.keep("scale-out-a", a.output().lines().toList());
            Jar.keep("scale-out-b", b.output().lines().toList());
            List<String> out = Records.values(records.readAll(sink));
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < batches; i++) {
                for (int e = 0; e < EVENTS; e++) {
                    expected.add("{\"id\":\"" + i + "-" + e + "\"}");
                }
            }
            long bAfter = reportedEvents(b);
            FaultReport.section("8-splitter-scale-out", "Scale-out: two batch-to-stream processes, " + PARTITIONS + " partitions, one killed",
                    FaultReport.row("batches / events", "A's events before the kill", "B's events before the kill", "B's events in all",
                            "kill -9 of A to B committing every partition (s)", "sink records", "duplicates", "dead letters")
                            + "|---|---|---|---|---|---|---|---|\n"
                            + FaultReport.row(batches + " / " + (long) batches * EVENTS, aBefore, bBefore, bAfter, FaultReport.seconds(takeover[0]),
                                    out.size(), out.size() - new HashSet<>(out).size(), records.end(dlq))
                            + "\nStream: 5 batches of " + EVENTS + " events every 100 ms. Session timeout 6 s (`--set"
                            + " splitter.session.timeout.ms=6000`; Kafka's default, 45 s, would hold A's partitions that long)."
                            + " Events per instance are from each one's progress lines.\n");

            assertThat(aBefore).as("A made progress").isGreaterThanOrEqualTo(1000);
            assertThat(bBefore).as("B made progress").isGreaterThanOrEqualTo(1000);
            assertThat(bAfter).as("B delivered more after taking over").isGreaterThan(bAtTakeover - 1).isGreaterThan(bBefore);
            assertThat(new HashSet<>(out)).as("every event on the sink").isEqualTo(expected);
            assertThat(records.end(dlq)).isZero();
        }
    }
}
