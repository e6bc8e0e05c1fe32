package io.kafkasteps.splitter;

import static io.kafkasteps.testing.Records.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import io.kafkasteps.testing.AppProcess;
import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.RunningApp;
import org.apache.camel.spi.InflightRepository;
import org.junit.jupiter.api.Test;

/** Nothing lost: resume, reset, crash and outages, counted on the broker. */
class SplitterDeliveryIT extends SplitterTestBase {

    private static String batch(int b, int events) {
        StringBuilder sb = new StringBuilder("{\"events\":[");
        for (int e = 0; e < events; e++) {
            sb.append(e == 0 ? "" : ",").append("{\"id\":\"").append(b).append('-').append(e).append("\"}");
        }
        return sb.append("]}").toString();
    }

    private static List<String> batches(int from, int to, int events) {
        return IntStream.range(from, to).mapToObj(b -> batch(b, events)).toList();
    }

    private static Set<String> expectedEvents(int from, int to, int events) {
        Set<String> all = new HashSet<>();
        for (int b = from; b < to; b++) {
            for (int e = 0; e < events; e++) {
                all.add("{\"id\":\"" + b + "-" + e + "\"}");
            }
        }
        return all;
    }

    @Test
    void resumes_from_committed_offset_after_restart_without_duplicates() {
        Topics t = Topics.fresh();
        records.sendAll(t.source(), batches(0, 3, 2));
        try (RunningApp app = RunningApp.start(t.settings("$.id"), "batch-to-stream")) {
            assertThat(records.read(t.sink(), 6, WAIT)).hasSize(6);
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 3)).isTrue();
        }
        records.sendAll(t.source(), batches(3, 5, 2));
        try (RunningApp app = RunningApp.start(t.settings("$.id"), "batch-to-stream")) {
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 5)).isTrue();
            List<String> out = values(records.readToEnd(t.sink()));
            assertThat(out).hasSize(10).doesNotHaveDuplicates();
            assertThat(new HashSet<>(out)).isEqualTo(expectedEvents(0, 5, 2));
        }
    }

    @Test
    void reset_re_reads_once_and_a_later_restart_does_not() {
        Topics t = Topics.fresh();
        records.sendAll(t.source(), batches(0, 2, 3));
        try (RunningApp app = RunningApp.start(t.settings("$.id"), "batch-to-stream")) {
            assertThat(records.read(t.sink(), 6, WAIT)).hasSize(6);
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 2)).isTrue();
        }
        Map<String, String> reset = t.settings("$.id");
        reset.put("splitter.reset", "true");
        try (RunningApp app = RunningApp.start(reset, "batch-to-stream")) {
            assertThat(records.read(t.sink(), 12, WAIT)).hasSize(12);
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 2)).isTrue();
        }
        try (RunningApp app = RunningApp.start(t.settings("$.id"), "batch-to-stream")) {
            records.sendAll(t.source(), batches(2, 3, 3));
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 3)).isTrue();
            List<String> out = values(records.readToEnd(t.sink()));
            assertThat(out).as("first run 6, reset 6, new batch 3, no second re-read").hasSize(15);
        }
    }

    @Test
    void unavailable_sink_is_retried_never_dead_lettered_and_nothing_is_committed_until_delivered() {
        Topics t = Topics.fresh(false);
        records.sendAll(t.source(), batches(0, 1, 3));
        Map<String, String> settings = t.settings("$.id");
        settings.put("splitter.producer.max.block.ms", "500");
        try (RunningApp app = RunningApp.start(settings, "batch-to-stream")) {
            InflightRepository inflight = app.app().context().getInflightRepository();
            assertThat(Records.eventually(WAIT, () -> inflight.browse().stream().anyMatch(e -> e.getDuration() > 3000)))
                    .as("the record is held and retried, well past one 500 ms send timeout").isTrue();
            assertThat(records.committed(t.group(), t.source())).isZero();
            assertThat(records.readToEnd(t.dlq())).isEmpty();

            records.createTopics(1, t.sink());
            assertThat(records.read(t.sink(), 3, WAIT)).hasSize(3);
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 1)).isTrue();
            assertThat(records.readToEnd(t.dlq())).isEmpty();
        }
    }

    @Test
    void broker_outage_mid_stream_loses_nothing_and_dead_letters_nothing() {
        Topics t = Topics.fresh();
        int batches = 2000;
        int events = 50;
        records.sendAll(t.source(), batches(0, batches, events));
        Map<String, String> settings = t.settings("$.id");
        settings.put("splitter.producer.max.block.ms", "2000");
        try (RunningApp app = RunningApp.start(settings, "batch-to-stream")) {
            var progress = app.progress("splitterProgress");
            assertThat(Records.eventually(WAIT, () -> progress.events() > 0)).isTrue();
            kafka.stop();
            long atOutage = progress.events();
            assertThat(atOutage).as("the outage is mid-stream").isLessThan((long) batches * events);
            InflightRepository inflight = app.app().context().getInflightRepository();
            Records.eventually(Duration.ofSeconds(20), () -> inflight.browse().stream().anyMatch(e -> e.getDuration() > 3000));
            kafka.restart();
            assertThat(Records.eventually(Duration.ofSeconds(90), () -> records.committed(t.group(), t.source()) == batches))
                    .as("every batch committed after the outage").isTrue();
            List<String> out = values(records.readToEnd(t.sink()));
            assertThat(new HashSet<>(out)).isEqualTo(expectedEvents(0, batches, events));
            assertThat(records.readToEnd(t.dlq())).isEmpty();
        } finally {
            kafka.restart();
        }
    }

    @Test
    void kill_9_between_send_and_commit_loses_nothing() {
        Topics t = Topics.fresh();
        int batches = 1000;
        int events = 100;
        records.sendAll(t.source(), batches(0, batches, events));
        Map<String, String> env = new HashMap<>();
        t.settings("$.id").forEach((k, v) -> env.put(io.kafkasteps.Settings.envName(k), v));
        // the killed run holds its partition until its session ends: 3 s here instead of Kafka's 45 s
        env.put("SPLITTER_SESSION_TIMEOUT_MS", "3000");
        env.put("SPLITTER_HEARTBEAT_INTERVAL_MS", "1000");
        List<Integer> seenAtKill = new ArrayList<>();
        try (AppProcess first = AppProcess.start(env, "batch-to-stream")) {
            assertThat(Records.eventually(Duration.ofSeconds(60), () -> records.committed(t.group(), t.source()) > 0))
                    .as("the first run made progress: %s", first.output()).isTrue();
            first.kill();
            seenAtKill.add((int) records.committed(t.group(), t.source()));
        }
        assertThat(seenAtKill.get(0)).as("killed mid-stream").isLessThan(batches);
        try (AppProcess second = AppProcess.start(env, "batch-to-stream")) {
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> records.committed(t.group(), t.source()) == batches))
                    .as("the second run finished: %s", second.output()).isTrue();
            second.terminate();
            assertThat(second.waitFor(Duration.ofSeconds(10))).as("SIGTERM stops within 10 s").isTrue();
        }
        List<String> out = values(records.readToEnd(t.sink()));
        assertThat(new HashSet<>(out)).isEqualTo(expectedEvents(0, batches, events));
        assertThat(out.size() - batches * events).as("duplicates are bounded by what was uncommitted at the kill")
                .isLessThanOrEqualTo((batches - seenAtKill.get(0)) * events);
        assertThat(records.readToEnd(t.dlq())).isEmpty();
    }
}
