package io.kafkasteps.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

import io.kafkasteps.testing.AppProcess;
import io.kafkasteps.testing.BrokerTestBase;
import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Management;
import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.RouteSettings;
import org.junit.jupiter.api.Test;

/**
 * batch-to-stream with {@code splitter.delivery=exactly-once}, as the packaged jar: what a consumer
 * of the sink and the dead-letter topic with {@code isolation.level=read_committed} reads after
 * kill -9, a broker outage and a paused instance that its group presumed dead. Every count is read
 * back from the broker.
 */
class SplitterExactlyOnceIT extends BrokerTestBase {

    static final int EVENTS = SplitterOutageIT.EVENTS;

    /** B joins and leaves this often while A runs, two eager rebalances a round (the old code's duplicates were shown with two rounds; one keeps .ci/run within its 30 minutes). */
    static final int JOIN_LEAVE_ROUNDS = 1;

    static String batch(int b) {
        return SplitterOutageIT.batch(b);
    }

    /** Every tenth batch is not JSON: bad input, a dead letter. */
    static String sometimesBad(int b) {
        return b % 10 == 7 ? "not json " + b : batch(b);
    }

    static Set<String> events(int batches, IntFunction<String> source) {
        Set<String> expected = new HashSet<>();
        for (int b = 0; b < batches; b++) {
            if (source.apply(b).startsWith("{")) {
                for (int e = 0; e < EVENTS; e++) {
                    expected.add("{\"id\":\"" + b + "-" + e + "\"}");
                }
            }
        }
        return expected;
    }

    static Map<String, String> exactlyOnce(String bootstrap, String source, String sink, String group, String instance) {
        Map<String, String> s = RouteSettings.splitter(bootstrap, source, sink, group);
        s.put("splitter.delivery", "exactly-once");
        s.put("splitter.transactional.id", group + "-" + instance);
        s.put("splitter.progress.interval.ms", "2000");
        return s;
    }

    @Test
    void ten_kill_9_leave_every_event_and_dead_letter_exactly_once_for_a_read_committed_consumer() throws Exception {
        // a broker and clients of its own: a fresh idempotent producer writes the 1,000 source records
        // (after another test's broker in this JVM closed, the shared one once failed with OutOfOrderSequence)
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); Records records = new Records(kafka.bootstrapServers())) {
            kills(kafka, records);
        }
    }

    private static void kills(EmbeddedKafka kafka, Records records) {
        String source = "eos-crash-batches", sink = "eos-crash-events", dlq = sink + ".dlq", group = "eos-crash";
        int batches = 1000, kills = 10;
        records.createTopics(1, source, sink, dlq);
        List<String> values = new java.util.ArrayList<>();
        for (int b = 0; b < batches; b++) {
            values.add(sometimesBad(b));
        }
        records.sendAll(source, values);
        Map<String, String> env = Jar.env(exactlyOnce(kafka.bootstrapServers(), source, sink, group, "a"));
        Set<String> expected = events(batches, SplitterExactlyOnceIT::sometimesBad);

        long began = System.nanoTime();
        KillLoop loop = new KillLoop(() -> Jar.startToKill(env, "batch-to-stream"), () -> records.end(sink),
                () -> records.committed(group, source), batches);
        loop.run(KillLoop.moments(Seeds.random("splitter-exactly-once"), kills, expected.size()), records, sink);
        long elapsed = System.nanoTime() - began;

        List<String> committed = Records.values(records.readCommitted(sink));
        List<String> everything = Records.values(records.readAll(sink));
        List<String> deadLetters = Records.values(records.readCommitted(dlq));
        long bad = batches / 10;
        FaultReport.section("13-splitter-exactly-once-crash", "Exactly-once: batch-to-stream, kill -9 x" + kills,
                FaultReport.row("events", "kills", "read_committed: events", "lost", "duplicates", "dead letters (expected)",
                        "read_uncommitted: records (aborted included)", "wall time (s)")
                        + "|---|---|---|---|---|---|---|---|\n"
                        + FaultReport.row(expected.size(), kills, committed.size(), missing(expected, committed),
                                committed.size() - new HashSet<>(committed).size(), deadLetters.size() + " (" + bad + ")",
                                everything.size(), FaultReport.seconds(elapsed))
                        + "\nsplitter.delivery=exactly-once, one partition, every tenth batch record not JSON. A consumer with"
                        + " isolation.level=read_committed reads the sink and the dead-letter topic; a read_uncommitted one also"
                        + " sees the writes of the transactions each kill left open (aborted at the next start).\n");

        assertThat(missing(expected, committed)).as("nothing lost").isZero();
        assertThat(committed).as("no event twice for a read_committed consumer").doesNotHaveDuplicates().hasSize(expected.size());
        assertThat(deadLetters).as("each bad record dead-lettered exactly once").doesNotHaveDuplicates().hasSize((int) bad);
        assertThat(everything.size()).as("a read_uncommitted consumer also sees the aborted writes of the killed runs")
                .isGreaterThan(committed.size());
    }

    @Test
    void a_30_s_broker_outage_leaves_every_event_exactly_once_and_the_route_resumes_by_itself() throws Exception {
        // a broker of its own: the restart must not touch the clients the other tests share
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); Records records = new Records(kafka.bootstrapServers())) {
            outage(kafka, records);
        }
    }

    private static void outage(EmbeddedKafka kafka, Records records) {
        String source = "eos-outage-batches", sink = "eos-outage-events", group = "eos-outage";
        records.createTopics(1, source, sink, sink + ".dlq");
        Map<String, String> settings = exactlyOnce(kafka.bootstrapServers(), source, sink, group, "a");
        try (SteadyStream stream = new SteadyStream(kafka.bootstrapServers());
                AppProcess app = Jar.start(Jar.env(settings), "batch-to-stream")) {
            stream.start(source, 5, 100, SplitterExactlyOnceIT::batch);
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> records.committed(group, source) >= 200 || !app.alive()))
                    .as("flowing before the outage: %s", Jar.tail(app.output(), 30)).isTrue();
            long committedAtOutage = records.committed(group, source);
            kafka.stop();
            assertThat(Records.eventually(SplitterOutageIT.OUTAGE, () -> !app.alive())).as("the process lives through the outage").isFalse();
            long restarting = System.nanoTime();
            kafka.restart();
            long[] resumedAfter = {-1};
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> {
                if (resumedAfter[0] < 0 && records.committed(group, source) > committedAtOutage) {
                    resumedAfter[0] = System.nanoTime() - restarting;
                }
                return resumedAfter[0] >= 0;
            })).as("resumes by itself: %s", Jar.tail(app.output(), 40)).isTrue();
            int batches = stream.stop();
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> records.committed(group, source) == batches))
                    .as("every batch committed: %s", Jar.tail(app.output(), 40)).isTrue();

            List<String> out = Records.values(records.readCommitted(sink));
            Set<String> expected = events(batches, SplitterExactlyOnceIT::batch);
            FaultReport.section("13-splitter-exactly-once-outage", "Exactly-once: batch-to-stream through a "
                    + SplitterOutageIT.OUTAGE.toSeconds() + " s broker outage",
                    FaultReport.row("batches", "read_committed: events", "lost", "duplicates", "dead letters", "committing again after restart (s)")
                            + "|---|---|---|---|---|---|\n"
                            + FaultReport.row(batches, out.size(), missing(expected, out), out.size() - new HashSet<>(out).size(),
                                    records.end(sink + ".dlq"), FaultReport.seconds(resumedAfter[0]))
                            + "\nsplitter.delivery=exactly-once; 50 batches/s of 50 events while the one broker is stopped and restarted.\n");

            assertThat(missing(expected, out)).as("nothing lost").isZero();
            assertThat(out).as("no event twice").doesNotHaveDuplicates();
            assertThat(records.end(sink + ".dlq")).as("an outage is no reason for a dead letter").isZero();
            assertThat(app.alive()).isTrue();
        }
    }

    @Test
    void instances_joining_and_leaving_mid_stream_duplicate_nothing_though_camel_holds_a_poll_across_each_rebalance() {
        // A trickle: each poll is partial, so camel's batching consumer holds it until the next poll
        // returns, which is where an eager rebalance resets the positions: the held records come again.
        String source = "eos-rebalance-batches", sink = "eos-rebalance-events", group = "eos-rebalance";
        records.createTopics(2, source);
        records.createTopics(1, sink, sink + ".dlq");
        Map<String, String> a = exactlyOnce(kafka.bootstrapServers(), source, sink, group, "a");
        Map<String, String> b = exactlyOnce(kafka.bootstrapServers(), source, sink, group, "b");
        try (SteadyStream stream = new SteadyStream(kafka.bootstrapServers()); AppProcess first = Jar.start(Jar.env(a), "batch-to-stream")) {
            stream.start(source, 4, 50, SplitterExactlyOnceIT::batch);
            assertThat(Records.eventually(Duration.ofSeconds(90), () -> records.committed(group, source) >= 100 || !first.alive()))
                    .as("A flowing: %s", Jar.tail(first.output(), 30)).isTrue();
            for (int round = 0; round < JOIN_LEAVE_ROUNDS; round++) {
                try (AppProcess second = Jar.start(Jar.env(b), "batch-to-stream")) {
                    assertThat(Records.eventually(Duration.ofSeconds(90), () -> records.membersWithPartitions(group) == 2))
                            .as("B holds a partition: %s", Jar.tail(second.output(), 30)).isTrue();
                    long at = records.committed(group, source);
                    assertThat(Records.eventually(Duration.ofSeconds(60), () -> records.committed(group, source) > at + 100))
                            .as("both flowing").isTrue();
                    second.terminate();
                    assertThat(second.waitFor(Duration.ofSeconds(30))).as("B stops").isTrue();
                }
                long at = records.committed(group, source);
                assertThat(Records.eventually(Duration.ofSeconds(60), () -> records.committed(group, source) > at + 100))
                        .as("A alone again: %s", Jar.tail(first.output(), 30)).isTrue();
            }
            int batches = stream.stop();
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> records.committed(group, source) == batches))
                    .as("every batch committed: %s", Jar.tail(first.output(), 30)).isTrue();

            List<String> out = Records.values(records.readCommitted(sink));
            Set<String> expected = events(batches, SplitterExactlyOnceIT::batch);
            FaultReport.section("13-splitter-exactly-once-rebalance", "Exactly-once: batch-to-stream, instances joining and leaving mid-stream",
                    FaultReport.row("batches", "read_committed: events", "lost", "duplicates")
                            + "|---|---|---|---|\n"
                            + FaultReport.row(batches, out.size(), missing(expected, out), out.size() - new HashSet<>(out).size())
                            + "\nTwo source partitions, 80 batches/s in polls of a few records; B joins and leaves once while A runs:"
                            + " two eager rebalances, each with a poll held by camel.\n");

            assertThat(missing(expected, out)).as("nothing lost").isZero();
            assertThat(out).as("no event twice across the rebalances").doesNotHaveDuplicates();
        }
    }

    @Test
    void a_paused_instance_presumed_dead_is_fenced_when_it_wakes_and_writes_no_duplicate() {
        String source = "eos-zombie-batches", sink = "eos-zombie-events", group = "eos-zombie";
        records.createTopics(1, source, sink, sink + ".dlq");
        Map<String, String> a = exactlyOnce(kafka.bootstrapServers(), source, sink, group, "a");
        Map<String, String> b = exactlyOnce(kafka.bootstrapServers(), source, sink, group, "b");
        for (Map<String, String> s : List.of(a, b)) {
            s.put("splitter.session.timeout.ms", "6000");
            s.put("splitter.heartbeat.interval.ms", "1000");
            // A paused between sending its poll's offsets and committing leaves them pending: B's offset
            // fetch (always require_stable) then waits until the broker aborts A's transaction, after
            // transaction.timeout.ms (Kafka's 60 s, longer than the take-over deadline; once in CI).
            s.put("splitter.kafka.transaction.timeout.ms", "10000");
        }
        try (SteadyStream stream = new SteadyStream(kafka.bootstrapServers()); AppProcess first = Jar.start(Jar.env(a), "batch-to-stream")) {
            stream.start(source, 5, 100, SplitterExactlyOnceIT::batch);
            assertThat(Records.eventually(Duration.ofSeconds(90), () -> records.committed(group, source) >= 100 || !first.alive()))
                    .as("A flowing: %s", Jar.tail(first.output(), 30)).isTrue();
            try (AppProcess second = Jar.start(Jar.env(b), "batch-to-stream")) {
                assertThat(Records.eventually(Duration.ofSeconds(90), () -> records.members(group) == 2))
                        .as("B in the group, idle (one partition): %s", Jar.tail(second.output(), 30)).isTrue();
                first.pause();
                long paused = records.committed(group, source);
                boolean tookOver;
                try {
                    // B gets the partition once A's session times out, and commits past where A stood
                    tookOver = Records.eventually(Duration.ofSeconds(60), () -> records.committed(group, source) > paused + 100);
                } finally {
                    first.resume();
                }
                assertThat(tookOver).as("B took over from the paused A: %s", Jar.tail(second.output(), 30)).isTrue();
                assertThat(Records.eventually(Duration.ofSeconds(30), () -> records.members(group) == 2))
                        .as("A, awake, rejoins: %s", Jar.tail(first.output(), 30)).isTrue();
                int batches = stream.stop();
                assertThat(Records.eventually(Duration.ofSeconds(120), () -> records.committed(group, source) == batches))
                        .as("every batch committed: %s", Jar.tail(first.output(), 30) + "\n" + Jar.tail(second.output(), 30)).isTrue();

                List<String> out = Records.values(records.readCommitted(sink));
                Set<String> expected = events(batches, SplitterExactlyOnceIT::batch);
                long aborted = first.output().lines().filter(l -> l.contains("transaction failed")).count();
                FaultReport.section("13-splitter-exactly-once-zombie", "Exactly-once: batch-to-stream, an instance paused past its session",
                        FaultReport.row("batches", "read_committed: events", "lost", "duplicates", "A's polls aborted after waking")
                                + "|---|---|---|---|---|\n"
                                + FaultReport.row(batches, out.size(), missing(expected, out), out.size() - new HashSet<>(out).size(), aborted)
                                + "\nTwo instances, one partition; A (holding it) stopped with SIGSTOP until B took over after the"
                                + " 6 s session timeout, then SIGCONT: A's open transaction cannot commit with its old group generation"
                                + " (transaction.timeout.ms 10 s: a transaction A left open with its offsets holds B's offset fetch until"
                                + " the broker aborts it).\n");

                assertThat(missing(expected, out)).as("nothing lost").isZero();
                assertThat(out).as("no event twice: the woken instance's writes never became visible").doesNotHaveDuplicates();
                assertThat(first.alive() && second.alive()).isTrue();
            }
        }
    }

    @Test
    void refuses_to_start_in_one_line_when_the_sink_topic_takes_smaller_records_than_the_producer_sends() {
        String source = "eos-limit-batches", sink = "eos-limit-events", group = "eos-limit";
        records.createTopics(1, source, sink + ".dlq");
        records.createTopic(sink, Map.of("max.message.bytes", "65536"));
        AppProcess app = AppProcess.run(Jar.env(exactlyOnce(kafka.bootstrapServers(), source, sink, group, "a")), Duration.ofSeconds(90),
                "batch-to-stream");
        assertThat(app.exitCode()).as(app.output()).isNotZero();
        assertThat(app.output()).contains("kafka-steps: splitter.producer.max.request.size (1048576) is above the max.message.bytes (65536)"
                + " of topic '" + sink + "': with splitter.delivery=exactly-once lower it to 65536 or raise the topic's")
                .doesNotContain("\tat ");
    }

    @Test
    void a_cluster_whose_transaction_state_log_cannot_be_written_is_named_in_readiness_while_the_route_waits_for_it() throws Exception {
        String source = "eos-txlog-batches", sink = "eos-txlog-events", group = "eos-txlog";
        // one broker that wants three replicas of __transaction_state: no transaction can start
        try (EmbeddedKafka lonely = EmbeddedKafka.startWith(null, Map.of("transaction.state.log.replication.factor", "3"));
                Records onIt = new Records(lonely.bootstrapServers())) {
            onIt.createTopics(1, source, sink, sink + ".dlq");
            onIt.sendAll(source, List.of(batch(0)));
            Map<String, String> s = exactlyOnce(lonely.bootstrapServers(), source, sink, group, "a");
            s.put("splitter.producer.max.block.ms", "3000");
            int port = Management.freePort();
            s.put("camel.management.port", String.valueOf(port));
            try (AppProcess app = Jar.start(Jar.env(s), "batch-to-stream")) {
                String[] reason = {""};
                assertThat(Records.eventually(Duration.ofSeconds(60), () -> {
                    Management.Response r = Management.get(port, "/observe/health/ready");
                    reason[0] = r.body();
                    return r.status() == 503 && r.body().contains("__transaction_state") || !app.alive();
                })).as("readiness names the transaction state log: %s\n%s", reason[0], Jar.tail(app.output(), 30)).isTrue();
                assertThat(app.alive()).as("the route waits for the cluster, it does not exit").isTrue();
                assertThat(app.output()).contains("is its transaction state log (__transaction_state) writable");
                assertThat(onIt.readCommitted(sink)).as("nothing visible on the sink").isEmpty();
            }
        }
    }

    private static long missing(Set<String> expected, List<String> out) {
        Set<String> m = new HashSet<>(expected);
        out.forEach(m::remove);
        return m.size();
    }
}
