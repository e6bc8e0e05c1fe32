package io.kafkasteps.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkasteps.testing.RouteSettings;
import io.kafkasteps.testing.TwoBrokerTestBase;
import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Records;
import org.junit.jupiter.api.Test;

/** SIGTERM mid-stream, twice at seeded moments, for each route as the packaged jar. */
class GracefulStopIT extends TwoBrokerTestBase {

    /** Batch records per poll: a SIGTERM may still finish the poll in flight and the one already fetched. */
    static final int POLL = 50;

    static final int STOPS = 2;


    @Test
    void splitter_sigterm_mid_stream_exits_within_10_s_and_the_restart_redelivers_at_most_the_uncommitted_tail() {
        int batches = 1000, events = 100;
        String in = "term-batches", out = "term-events", dlq = "term-events.dlq", group = "term-splitter";
        src.createTopics(1, in, out, dlq);
        src.sendAll(in, SplitterCrashIT.batches(batches, events));
        Map<String, String> settings = RouteSettings.splitter(source.bootstrapServers(), in, out, group);
        settings.put("splitter.max.poll.records", String.valueOf(POLL));
        Map<String, String> env = Jar.env(settings);

        long total = (long) batches * events;
        KillLoop loop = new KillLoop(() -> Jar.start(env, "batch-to-stream"), () -> src.end(out),
                () -> src.committed(group, in), batches, true);
        loop.logName = "splitter";
        loop.run(KillLoop.moments(Seeds.random("splitter-sigterm"), STOPS, total), src, out);

        List<String> values = Records.values(src.readAll(out));
        KillLoop.Tally tally = loop.tally(values, SplitterCrashIT::batchOf);
        FaultReport.section("6-graceful-stop-splitter", "Graceful stop: batch-to-stream, SIGTERM x" + STOPS,
                FaultReport.row("events", "SIGTERMs", "sink records", "duplicates", "dead letters") + "|---|---|---|---|---|\n"
                        + FaultReport.row(total, STOPS, values.size(), tally.totalDuplicates(), src.end(dlq)) + "\n"
                        + loop.table(tally, "batches"));

        Set<String> expected = new HashSet<>();
        for (int b = 0; b < batches; b++) {
            for (int e = 0; e < events; e++) {
                expected.add(SplitterCrashIT.event(b, e));
            }
        }
        // The batching consumer may already hold the next poll's records when the signal lands, and
        // events sent just before it are appended just after: so up to two polls, never the backlog.
        assertThat(loop.mostDeliveredAfterStop()).as("SIGTERM finishes the polls in flight (at most 2 x %d batch records of %d events),"
                + " commits them and stops", POLL, events).isLessThanOrEqualTo(2L * POLL * events);
        assertThat(loop.longestStopNanos()).as("every SIGTERM stops the process within 10 s (logs in target/faults-report/logs)")
                .isLessThanOrEqualTo(java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
        assertThat(new HashSet<>(values)).as("every event on the sink").isEqualTo(expected);
        assertThat(loop.kills).as("every SIGTERM was mid-stream").hasSize(STOPS);
        for (int i = 0; i < STOPS; i++) {
            assertThat(tally.duplicates().get(i)).as("the restart after SIGTERM %d re-delivers at most the uncommitted tail", i + 1)
                    .isLessThanOrEqualTo(tally.uncommitted().get(i));
        }
        assertThat(src.end(dlq)).isZero();
    }

    @Test
    void reflector_sigterm_mid_stream_exits_within_10_s_and_the_restart_redelivers_at_most_the_uncommitted_tail() {
        int records = 100_000;
        String topic = "term-alerts", group = "term-reflector";
        src.createTopics(1, topic);
        dst.createTopics(1, topic);
        List<String> sent = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            sent.add(i + ":" + "z".repeat(100));
        }
        src.sendAll(topic, sent);
        Map<String, String> env = Jar.reflector(source.bootstrapServers(), sink.bootstrapServers(), topic, group);

        KillLoop loop = new KillLoop(() -> Jar.start(env, "reflector"), () -> dst.end(topic),
                () -> src.committed(group, topic), records, true);
        loop.logName = "reflector";
        loop.run(KillLoop.moments(Seeds.random("reflector-sigterm"), STOPS, records), dst, topic);

        List<String> values = Records.values(dst.readAll(topic));
        KillLoop.Tally tally = loop.tally(values, v -> Long.parseLong(v.substring(0, v.indexOf(':'))));
        FaultReport.section("7-graceful-stop-reflector", "Graceful stop: reflector, SIGTERM x" + STOPS,
                FaultReport.row("records", "SIGTERMs", "sink records", "duplicates") + "|---|---|---|---|\n"
                        + FaultReport.row(records, STOPS, values.size(), tally.totalDuplicates()) + "\n"
                        + loop.table(tally, "records"));

        // Records copied after the signal are reported, not bounded: the reflector makes no promise about them (each poll is
        // one exchange, copied and committed whole), only that it exits within 10 s and re-delivers at most what was uncommitted.
        assertThat(loop.longestStopNanos()).as("every SIGTERM stops the process within 10 s (logs in target/faults-report/logs)")
                .isLessThanOrEqualTo(java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
        assertThat(new HashSet<>(values)).as("every record on the sink").isEqualTo(new HashSet<>(sent));
        assertThat(loop.kills).as("every SIGTERM was mid-stream").hasSize(STOPS);
        for (int i = 0; i < STOPS; i++) {
            assertThat(tally.duplicates().get(i)).as("the restart after SIGTERM %d re-delivers at most the uncommitted tail", i + 1)
                    .isLessThanOrEqualTo(tally.uncommitted().get(i));
        }
    }
}
