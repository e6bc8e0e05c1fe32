package io.kafkasteps.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkasteps.testing.RouteSettings;
import io.kafkasteps.testing.BrokerTestBase;
import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Records;
import org.junit.jupiter.api.Test;

/** batch-to-stream, as the packaged jar, killed with SIGKILL ten times over a 100k-event stream. */
class SplitterCrashIT extends BrokerTestBase {

    static final int BATCHES = 1000;
    static final int EVENTS = 100;
    static final int KILLS = 10;


    static String event(int b, int e) {
        return "{\"id\":\"" + b + "-" + e + "\"}";
    }

    static List<String> batches(int batches, int events) {
        List<String> out = new ArrayList<>(batches);
        for (int b = 0; b < batches; b++) {
            StringBuilder sb = new StringBuilder("{\"events\":[");
            for (int e = 0; e < events; e++) {
                sb.append(e == 0 ? "" : ",").append(event(b, e));
            }
            out.add(sb.append("]}").toString());
        }
        return out;
    }

    /** The batch (= source offset, one partition) an event came from. */
    static long batchOf(String event) {
        return Long.parseLong(event.substring(7, event.indexOf('-')));
    }

    @Test
    void survives_ten_kill_9_without_losing_an_event_and_duplicates_only_the_uncommitted() {
        String source = "crash-batches", sink = "crash-events", dlq = "crash-events.dlq", group = "crash-splitter";
        records.createTopics(1, source, sink, dlq);
        records.sendAll(source, batches(BATCHES, EVENTS));
        long total = (long) BATCHES * EVENTS;

        Map<String, String> settings = RouteSettings.splitter(kafka.bootstrapServers(), source, sink, group);
        settings.put("splitter.progress.interval.ms", "1000");
        Map<String, String> env = Jar.env(settings);

        long began = System.nanoTime();
        KillLoop loop = new KillLoop(() -> Jar.startToKill(env, "batch-to-stream"), () -> records.end(sink),
                () -> records.committed(group, source), BATCHES);
        loop.run(KillLoop.moments(Seeds.random("splitter-crash"), KILLS, total), records, sink);
        long elapsed = System.nanoTime() - began;

        List<String> out = Records.values(records.readAll(sink));
        Set<String> expected = new HashSet<>();
        for (int b = 0; b < BATCHES; b++) {
            for (int e = 0; e < EVENTS; e++) {
                expected.add(event(b, e));
            }
        }
        KillLoop.Tally tally = loop.tally(out, SplitterCrashIT::batchOf);

        FaultReport.section("1-splitter-crash", "Process crash: batch-to-stream, kill -9 x" + KILLS,
                FaultReport.row("events", "source records", "kills", "sink records", "distinct events", "duplicates", "dead letters",
                        "wall time (s)")
                        + "|---|---|---|---|---|---|---|---|\n"
                        + FaultReport.row(total, BATCHES + " (x" + EVENTS + " events)", KILLS, out.size(), tally.distinct(),
                                tally.totalDuplicates(), records.end(dlq), FaultReport.seconds(elapsed))
                        + "\nPer kill (moments are sink counts drawn from the seed; \"uncommitted on sink\" = events already on the\n"
                        + "sink whose source record was not committed: the most a restart can duplicate):\n\n"
                        + loop.table(tally, "batches"));

        assertThat(new HashSet<>(out)).as("every event is on the sink at least once").isEqualTo(expected);
        assertThat(tally.duplicatesBeforeFirstKill()).as("no duplicate without a kill").isZero();
        for (int i = 0; i < KILLS; i++) {
            assertThat(tally.duplicates().get(i)).as("duplicates after kill %d are bounded by what was uncommitted", i + 1)
                    .isLessThanOrEqualTo(tally.uncommitted().get(i));
            assertThat(tally.uncommitted().get(i)).as("uncommitted at kill %d is at most one poll (500 batches)", i + 1)
                    .isLessThanOrEqualTo(500L * EVENTS);
        }
        assertThat(records.end(dlq)).as("a crash is no reason for a dead letter").isZero();
    }
}
