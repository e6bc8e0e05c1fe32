package io.kafkasteps.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkasteps.testing.RouteSettings;
import io.kafkasteps.testing.TwoBrokerTestBase;
import io.kafkasteps.testing.AppProcess;
import io.kafkasteps.testing.Records;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while the sink cluster is down: the process exits within the shutdown timeout (10 s)
 * instead of waiting out the producer's delivery timeout, and nothing is committed on the source
 * past what the sink acknowledged before it went down. The splitter's one cluster is both: its
 * broker is stopped, while a send is outstanding.
 */
class StopDuringOutageIT extends TwoBrokerTestBase {

    @Test
    void reflector_sigterm_while_the_sink_is_down_exits_within_the_shutdown_timeout_and_commits_only_what_landed() {
        String topic = "stop-outage-alerts", group = "stop-outage-reflector";
        src.createTopics(1, topic);
        dst.createTopics(1, topic);
        Map<String, String> env = Jar.reflector(source.bootstrapServers(), sink.bootstrapServers(), topic, group);
        try (SteadyStream stream = new SteadyStream(source.bootstrapServers()); AppProcess app = Jar.start(env, "reflector")) {
            stream.start(topic, 100, 100, i -> i + ":" + "s".repeat(64));
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> dst.end(topic) >= 1000 || !app.alive()))
                    .as("flowing: %s", Jar.tail(app.output(), 30)).isTrue();
            sink.stop();
            long endAtOutage = src.end(topic);
            // records keep arriving on the source: the reflector has sends outstanding to a sink that is gone
            assertThat(Records.eventually(Duration.ofSeconds(60), () -> src.end(topic) >= endAtOutage + 500)).isTrue();
            long committedBeforeStop = src.committed(group, topic);

            long signalled = System.nanoTime();
            app.terminate();
            boolean exited = app.waitFor(Duration.ofSeconds(60));
            double seconds = (System.nanoTime() - signalled) / 1e9;
            stream.stop();
            FaultReport.section("8-stop-during-outage", "SIGTERM while the sink is down: reflector",
                    FaultReport.row("records on the source", "committed before SIGTERM", "SIGTERM to exit (s)") + "|---|---|---|\n"
                            + FaultReport.row(src.end(topic), committedBeforeStop, String.format(java.util.Locale.ROOT, "%.1f", seconds)) + "\n");
            assertThat(exited).as("the process exits: %s", Jar.tail(app.output(), 30)).isTrue();
            assertThat(seconds).as("SIGTERM to exit within camel.main.shutdown-timeout (10 s): %s", Jar.tail(app.output(), 30)).isLessThan(10.0);

            sink.restart();
            long committed = src.committed(group, topic);
            Set<String> onSink = new HashSet<>(Records.values(dst.readAll(topic)));
            List<String> missing = new java.util.ArrayList<>();
            for (long i = 0; i < committed; i++) {
                if (!onSink.contains(i + ":" + "s".repeat(64))) {
                    missing.add(String.valueOf(i));
                }
            }
            assertThat(missing).as("every committed record is on the sink (committed %d)", committed).isEmpty();
        }
    }

    @Test
    void splitter_sigterm_while_a_send_waits_on_its_broker_that_is_down_exits_within_the_shutdown_timeout_and_commits_only_what_landed() {
        String in = "stop-outage-batches", out = "stop-outage-events", group = "stop-outage-splitter";
        src.createTopics(1, in, out, out + ".dlq");
        // the sink throttled, so a poll's send takes seconds: the broker goes down while one waits
        src.quota(group + "-producer", "producer_byte_rate", 5_000.0);
        Map<String, String> settings = RouteSettings.splitter(source.bootstrapServers(), in, out, group);
        try (SteadyStream stream = new SteadyStream(source.bootstrapServers());
                AppProcess app = Jar.start(Jar.env(settings), "batch-to-stream")) {
            stream.start(in, 2, 100, SplitterOutageIT::batch);
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> src.committed(group, in) >= 5 || !app.alive()))
                    .as("flowing: %s", Jar.tail(app.output(), 30)).isTrue();
            source.stop();
            assertThat(Records.eventually(Duration.ofSeconds(2), () -> !app.alive())).as("lives through the outage").isFalse();

            long signalled = System.nanoTime();
            app.terminate();
            boolean exited = app.waitFor(Duration.ofSeconds(150));
            double seconds = (System.nanoTime() - signalled) / 1e9;
            source.restart();
            src.quota(group + "-producer", "producer_byte_rate", null);
            int batches = stream.stop();
            long committed = src.committed(group, in);
            Set<String> onSink = new HashSet<>(Records.values(src.readAll(out)));
            List<String> missing = new java.util.ArrayList<>();
            for (int b = 0; b < committed; b++) {
                for (int e = 0; e < SplitterOutageIT.EVENTS; e++) {
                    String event = "{\"id\":\"" + b + "-" + e + "\"}";
                    if (!onSink.contains(event)) {
                        missing.add(event);
                    }
                }
            }
            boolean sendWasWaiting = app.output().contains("sends not acknowledged by now fail");
            FaultReport.section("8-stop-during-outage-splitter", "SIGTERM while a send waits on the broker that is down: batch-to-stream",
                    FaultReport.row("batches on the source", "committed at SIGTERM", "SIGTERM to exit (s)", "a send was waiting") + "|---|---|---|---|\n"
                            + FaultReport.row(batches, committed, String.format(java.util.Locale.ROOT, "%.1f", seconds), sendWasWaiting)
                            + "\nThe producer throttled to 5 KB/s (a quota), so a poll's send is outstanding when the broker stops."
                            + " splitter.producer.close.timeout.ms at its default (5 s), camel.main.shutdown-timeout 10 s.\n");
            assertThat(exited).as("the process exits: %s", Jar.tail(app.output(), 30)).isTrue();
            assertThat(seconds).as("SIGTERM to exit within camel.main.shutdown-timeout (10 s): %s", Jar.tail(app.output(), 30)).isLessThan(10.0);
            assertThat(sendWasWaiting).as("the stop met a send waiting on the broker: %s", Jar.tail(app.output(), 30)).isTrue();
            assertThat(missing).as("every committed batch's events on the sink (committed %d)", committed).isEmpty();
        }
    }
}
