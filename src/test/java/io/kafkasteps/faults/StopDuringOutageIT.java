package io.kafkasteps.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkasteps.testing.AppProcess;
import io.kafkasteps.testing.Records;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while the sink cluster is down: the process exits within the shutdown timeout (10 s)
 * instead of waiting out the producer's delivery timeout, and nothing is committed on the source
 * past what the sink acknowledged before it went down.
 */
class StopDuringOutageIT extends TwoBrokers {

    @Test
    void reflector_sigterm_while_the_sink_is_down_exits_within_the_shutdown_timeout_and_commits_only_what_landed() {
        String topic = "stop-outage-alerts", group = "stop-outage-reflector";
        src.createTopics(1, topic);
        dst.createTopics(1, topic);
        Map<String, String> env = Jar.reflector(source.bootstrapServers(), sink.bootstrapServers(), topic, group);
        try (SteadyStream stream = new SteadyStream(source.bootstrapServers()); AppProcess app = Jar.start(env, "reflector")) {
            stream.start(topic, 100, 100, i -> i + ":" + "s".repeat(64));
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> dstOffsets.end(topic) >= 1000 || !app.alive()))
                    .as("flowing: %s", Jar.tail(app.output(), 30)).isTrue();
            sink.stop();
            long endAtOutage = srcOffsets.end(topic);
            // records keep arriving on the source: the reflector has sends outstanding to a sink that is gone
            assertThat(Records.eventually(Duration.ofSeconds(60), () -> srcOffsets.end(topic) >= endAtOutage + 500)).isTrue();
            long committedBeforeStop = srcOffsets.committed(group, topic);

            long signalled = System.nanoTime();
            app.terminate();
            boolean exited = app.waitFor(Duration.ofSeconds(60));
            double seconds = (System.nanoTime() - signalled) / 1e9;
            stream.stop();
            FaultReport.section("8-stop-during-outage", "SIGTERM while the sink is down: reflector",
                    FaultReport.row("records on the source", "committed before SIGTERM", "SIGTERM to exit (s)") + "|---|---|---|\n"
                            + FaultReport.row(srcOffsets.end(topic), committedBeforeStop, String.format(java.util.Locale.ROOT, "%.1f", seconds)) + "\n");
            assertThat(exited).as("the process exits: %s", Jar.tail(app.output(), 30)).isTrue();
            assertThat(seconds).as("SIGTERM to exit within camel.main.shutdown-timeout (10 s): %s", Jar.tail(app.output(), 30)).isLessThan(10.0);

            sink.restart();
            long committed = srcOffsets.committed(group, topic);
            Set<String> onSink = new HashSet<>(Records.values(dstOffsets.readAll(topic)));
            List<String> missing = new java.util.ArrayList<>();
            for (long i = 0; i < committed; i++) {
                if (!onSink.contains(i + ":" + "s".repeat(64))) {
                    missing.add(String.valueOf(i));
                }
            }
            assertThat(missing).as("every committed record is on the sink (committed %d)", committed).isEmpty();
        }
    }

}
