package io.kafkasteps.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkasteps.testing.RouteSettings;
import io.kafkasteps.testing.BrokerTestBase;
import io.kafkasteps.testing.AppProcess;
import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Records;
import org.junit.jupiter.api.Test;

/** batch-to-stream, as the packaged jar, through a 30 s outage of its one broker while batches keep coming. */
class SplitterOutageIT extends BrokerTestBase {

    static final Duration OUTAGE = Duration.ofSeconds(30);
    static final int EVENTS = 50;


    static String batch(int b) {
        StringBuilder sb = new StringBuilder("{\"events\":[");
        for (int e = 0; e < EVENTS; e++) {
            sb.append(e == 0 ? "" : ",").append("{\"id\":\"").append(b).append('-').append(e).append("\"}");
        }
        return sb.append("]}").toString();
    }

    @Test
    void a_30_s_broker_outage_mid_stream_resumes_by_itself_loses_nothing_dead_letters_nothing_and_retries_with_backoff() {
        String source = "outage-batches", sink = "outage-events", dlq = "outage-events.dlq", group = "outage-splitter";
        records.createTopics(1, source, sink, dlq);
        Map<String, String> settings = RouteSettings.splitter(kafka.bootstrapServers(), source, sink, group);
        settings.put("splitter.progress.interval.ms", "5000");
        // retry backoff and producer timeouts: the defaults (0.5 s doubling to 30 s; max.block.ms 60 s)

        try (SteadyStream stream = new SteadyStream(kafka.bootstrapServers());
                AppProcess app = Jar.start(Jar.env(settings), "batch-to-stream")) {
            stream.start(source, 5, 100, SplitterOutageIT::batch);
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> records.committed(group, source) >= 200 || !app.alive()))
                    .as("flowing before the outage: %s", Jar.tail(app.output(), 30)).isTrue();
            assertThat(app.alive()).isTrue();

            long committedAtOutage = records.committed(group, source);
            int sentAtOutage = stream.sent();
            long linesBefore = app.output().lines().count();
            long stopping = System.nanoTime();
            kafka.stop();
            long stopTook = System.nanoTime() - stopping;
            // The outage itself: this waits OUTAGE out and proves the process stays up all along.
            assertThat(Records.eventually(OUTAGE, () -> !app.alive())).as("the process lives through the outage").isFalse();
            List<String> during = app.output().lines().skip(linesBefore).toList();
            long restarting = System.nanoTime();
            kafka.restart();
            long restartTook = System.nanoTime() - restarting;

            long[] resumedAfter = {-1};
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> {
                if (resumedAfter[0] < 0 && records.committed(group, source) > committedAtOutage) {
                    resumedAfter[0] = System.nanoTime() - restarting;
                }
                return resumedAfter[0] >= 0 && stream.sent() > sentAtOutage + 200;
            })).as("the route resumes by itself after the outage: %s", Jar.tail(app.output(), 40)).isTrue();
            int batches = stream.stop();
            long[] caughtUpAfter = {-1};
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> records.committed(group, source) == batches))
                    .as("every batch committed: %s", Jar.tail(app.output(), 40)).isTrue();
            caughtUpAfter[0] = System.nanoTime() - restarting;
            assertThat(app.alive()).isTrue();

            List<String> out = Records.values(records.readAll(sink));
            Set<String> expected = new HashSet<>();
            for (int b = 0; b < batches; b++) {
                for (int e = 0; e < EVENTS; e++) {
                    expected.add("{\"id\":\"" + b + "-" + e + "\"}");
                }
            }
            long retryLines = during.stream().filter(l -> l.contains("WARN") && (l.contains("not delivered") || l.contains("On delivery attempt"))).count();
            long warnLines = during.stream().filter(l -> l.contains("WARN")).count();
            Jar.keep("splitter-outage", during);
            long dead = records.end(dlq);
            FaultReport.section("3-splitter-outage", "Broker outage: batch-to-stream (source and sink on the one broker)",
                    FaultReport.row("outage (s)", "batches / events", "sink records", "duplicates", "dead letters", "retry WARN lines in outage",
                            "all WARN lines in outage", "output lines in outage", "broker stop / start (s)", "resumed after restart (s)",
                            "caught up after restart (s)")
                            + "|---|---|---|---|---|---|---|---|---|---|---|\n"
                            + FaultReport.row(OUTAGE.toSeconds(), batches + " / " + (long) batches * EVENTS, out.size(),
                                    out.size() - new HashSet<>(out).size(), dead, retryLines, warnLines, during.size(),
                                    FaultReport.seconds(stopTook) + " / " + FaultReport.seconds(restartTook),
                                    FaultReport.seconds(resumedAfter[0]), FaultReport.seconds(caughtUpAfter[0]))
                            + "\nStream: 5 batches of " + EVENTS + " events every 100 ms throughout (the test's producer buffers during the outage)."
                            + " Retry backoff and producer timeouts at their defaults. WARN lines in the outage by logger: "
                            + Jar.warnKinds(during) + " (Kafka's NetworkClient logs each failed reconnect, about once a second per client).\n");

            assertThat(new HashSet<>(out)).as("every event on the sink").isEqualTo(expected);
            assertThat(dead).as("an outage is no reason for a dead letter").isZero();
            assertThat(retryLines).as("retries back off (no hot loop): %s", String.join("\n", during)).isLessThan(30);
            assertThat(during.size()).as("the log stays quiet during the outage (no hot loop)").isLessThan(300);
        }
    }
}
