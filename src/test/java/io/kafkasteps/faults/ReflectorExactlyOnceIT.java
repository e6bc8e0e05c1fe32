package io.kafkasteps.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkasteps.testing.AppProcess;
import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.TwoBrokerTestBase;
import org.junit.jupiter.api.Test;

/**
 * The reflector with {@code reflector.delivery=exactly-once}, as the packaged jar between two
 * brokers: what a consumer of the sink with {@code isolation.level=read_committed} reads after
 * kill -9, a sink outage, and a paused instance its group presumed dead. Every count is read back
 * from the brokers.
 */
class ReflectorExactlyOnceIT extends TwoBrokerTestBase {

    /** B joins and leaves this often while A runs, two eager rebalances a round (the old code's duplicates were shown with two rounds; one keeps .ci/run within its 30 minutes). */
    static final int JOIN_LEAVE_ROUNDS = 1;

    static Map<String, String> exactlyOnce(String topic, String group) {
        Map<String, String> env = Jar.reflector(source.bootstrapServers(), sink.bootstrapServers(), topic, group);
        env.put("REFLECTOR_DELIVERY", "exactly-once");
        env.put("REFLECTOR_PROGRESS_INTERVAL_MS", "2000");
        return env;
    }

    static String value(int i) {
        return i + ":" + "x".repeat(100);
    }

    @Test
    void ten_kill_9_leave_every_record_exactly_once_for_a_read_committed_consumer() {
        String topic = "eos-crash-alerts", group = "eos-crash-reflector";
        int total = 60_000, kills = 10;
        src.createTopics(2, topic);
        dst.createTopics(2, topic);
        List<String> values = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            values.add(value(i));
        }
        src.sendAll(topic, values);
        Map<String, String> env = exactlyOnce(topic, group);

        long began = System.nanoTime();
        KillLoop loop = new KillLoop(() -> Jar.startToKill(env, "reflector"), () -> dst.end(topic), () -> src.committed(group, topic), total);
        loop.run(KillLoop.moments(Seeds.random("reflector-exactly-once"), kills, total), dst, topic);
        long elapsed = System.nanoTime() - began;

        List<String> committed = Records.values(dst.readCommitted(topic));
        List<String> everything = Records.values(dst.readAll(topic));
        FaultReport.section("13-reflector-exactly-once-crash", "Exactly-once: reflector, kill -9 x" + kills,
                FaultReport.row("records", "kills", "read_committed: records", "lost", "duplicates",
                        "read_uncommitted: records (aborted included)", "wall time (s)")
                        + "|---|---|---|---|---|---|---|\n"
                        + FaultReport.row(total, kills, committed.size(), missing(new HashSet<>(values), committed),
                                committed.size() - new HashSet<>(committed).size(), everything.size(), FaultReport.seconds(elapsed))
                        + "\nreflector.delivery=exactly-once, two source partitions, CONSUME_MESSAGES=1000: each partition's copies"
                        + " and its offset, kept on the sink, are one transaction there.\n");

        assertThat(missing(new HashSet<>(values), committed)).as("nothing lost").isZero();
        assertThat(committed).as("no record twice for a read_committed consumer").doesNotHaveDuplicates().hasSize(total);
        assertThat(everything.size()).as("a read_uncommitted consumer also sees the aborted writes of the killed runs")
                .isGreaterThan(committed.size());
        AppProcess verify = AppProcess.run(env, Duration.ofSeconds(120), "reflector", "--verify");
        assertThat(verify.exitCode()).as("reflector --verify reads the copy as it was written, committed only: %s", verify.output()).isZero();
    }

    @Test
    void a_30_s_sink_outage_leaves_every_record_exactly_once_and_the_copy_resumes_by_itself() {
        String topic = "eos-outage-alerts", group = "eos-outage-reflector";
        src.createTopics(1, topic);
        dst.createTopics(1, topic);
        try (SteadyStream stream = new SteadyStream(source.bootstrapServers());
                AppProcess app = Jar.start(exactlyOnce(topic, group), "reflector")) {
            stream.start(topic, 20, 100, ReflectorExactlyOnceIT::value);
            assertThat(Records.eventually(Duration.ofSeconds(90), () -> src.committed(group, topic) >= 1000 || !app.alive()))
                    .as("copying before the outage: %s", Jar.tail(app.output(), 30)).isTrue();
            ReflectorOutageIT.Outage outage = ReflectorOutageIT.outage("sink-exactly-once", sink, app, () -> src.committed(group, topic));
            int sent = stream.stop();
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> src.committed(group, topic) == sent))
                    .as("everything copied: %s", Jar.tail(app.output(), 40)).isTrue();

            List<String> out = Records.values(dst.readCommitted(topic));
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < sent; i++) {
                expected.add(value(i));
            }
            FaultReport.section("13-reflector-exactly-once-outage", "Exactly-once: reflector through a "
                    + ReflectorOutageIT.OUTAGE.toSeconds() + " s sink outage",
                    FaultReport.row("records", "read_committed: records", "lost", "duplicates", "copying again after restart (s)")
                            + "|---|---|---|---|---|\n"
                            + FaultReport.row(sent, out.size(), missing(expected, out), out.size() - new HashSet<>(out).size(),
                                    FaultReport.seconds(outage.resumedNanos()))
                            + "\nreflector.delivery=exactly-once; 200 records/s while the sink broker is stopped and restarted.\n");

            assertThat(missing(expected, out)).as("nothing lost").isZero();
            assertThat(out).as("no record twice").doesNotHaveDuplicates();
            assertThat(app.alive()).isTrue();
        }
    }

    @Test
    void instances_joining_and_leaving_mid_stream_copy_nothing_twice_though_camel_holds_a_poll_across_each_rebalance() {
        String topic = "eos-rebalance-alerts", group = "eos-rebalance-reflector";
        src.createTopics(2, topic);
        dst.createTopics(2, topic);
        Map<String, String> env = exactlyOnce(topic, group);
        try (SteadyStream stream = new SteadyStream(source.bootstrapServers()); AppProcess first = Jar.start(env, "reflector")) {
            stream.start(topic, 10, 50, ReflectorExactlyOnceIT::value);   // polls of a few records: camel holds each until the next
            assertThat(Records.eventually(Duration.ofSeconds(90), () -> src.committed(group, topic) >= 500 || !first.alive()))
                    .as("A copying: %s", Jar.tail(first.output(), 30)).isTrue();
            for (int round = 0; round < JOIN_LEAVE_ROUNDS; round++) {
                try (AppProcess second = Jar.start(env, "reflector")) {
                    assertThat(Records.eventually(Duration.ofSeconds(90), () -> src.membersWithPartitions(group) == 2))
                            .as("B holds a partition: %s", Jar.tail(second.output(), 30)).isTrue();
                    long at = src.committed(group, topic);
                    assertThat(Records.eventually(Duration.ofSeconds(60), () -> src.committed(group, topic) > at + 500)).as("both copying").isTrue();
                    second.terminate();
                    assertThat(second.waitFor(Duration.ofSeconds(30))).as("B stops").isTrue();
                }
                long at = src.committed(group, topic);
                assertThat(Records.eventually(Duration.ofSeconds(60), () -> src.committed(group, topic) > at + 500))
                        .as("A alone again: %s", Jar.tail(first.output(), 30)).isTrue();
            }
            int sent = stream.stop();
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> src.committed(group, topic) == sent))
                    .as("everything copied: %s", Jar.tail(first.output(), 30)).isTrue();

            List<String> out = Records.values(dst.readCommitted(topic));
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < sent; i++) {
                expected.add(value(i));
            }
            FaultReport.section("13-reflector-exactly-once-rebalance", "Exactly-once: reflector, instances joining and leaving mid-stream",
                    FaultReport.row("records", "read_committed: records", "lost", "duplicates")
                            + "|---|---|---|---|\n"
                            + FaultReport.row(sent, out.size(), missing(expected, out), out.size() - new HashSet<>(out).size())
                            + "\nTwo source partitions, 200 records/s in polls of a few records; B joins and leaves once while A runs: two eager rebalances.\n");

            assertThat(missing(expected, out)).as("nothing lost").isZero();
            assertThat(out).as("no record twice across the rebalances").doesNotHaveDuplicates();
        }
    }

    @Test
    void a_paused_instance_presumed_dead_is_fenced_when_it_wakes_and_copies_no_duplicate() {
        String topic = "eos-zombie-alerts", group = "eos-zombie-reflector";
        src.createTopics(1, topic);
        dst.createTopics(1, topic);
        Map<String, String> env = exactlyOnce(topic, group);
        env.put("REFLECTOR_SESSION_TIMEOUT_MS", "6000");
        env.put("REFLECTOR_HEARTBEAT_INTERVAL_MS", "1000");
        try (SteadyStream stream = new SteadyStream(source.bootstrapServers()); AppProcess first = Jar.start(env, "reflector")) {
            stream.start(topic, 20, 100, ReflectorExactlyOnceIT::value);
            assertThat(Records.eventually(Duration.ofSeconds(90), () -> src.committed(group, topic) >= 1000 || !first.alive()))
                    .as("A copying: %s", Jar.tail(first.output(), 30)).isTrue();
            try (AppProcess second = Jar.start(env, "reflector")) {
                assertThat(Records.eventually(Duration.ofSeconds(90), () -> src.members(group) == 2))
                        .as("B in the group, idle (one partition): %s", Jar.tail(second.output(), 30)).isTrue();
                first.pause();
                long paused = src.committed(group, topic);
                boolean tookOver;
                try {
                    tookOver = Records.eventually(Duration.ofSeconds(60), () -> src.committed(group, topic) > paused + 1000);
                } finally {
                    first.resume();
                }
                assertThat(tookOver).as("B took over from the paused A: %s", Jar.tail(second.output(), 30)).isTrue();
                int sent = stream.stop();
                assertThat(Records.eventually(Duration.ofSeconds(120), () -> src.committed(group, topic) == sent))
                        .as("everything copied: %s", Jar.tail(first.output(), 30) + "\n" + Jar.tail(second.output(), 30)).isTrue();

                List<String> out = Records.values(dst.readCommitted(topic));
                Set<String> expected = new HashSet<>();
                for (int i = 0; i < sent; i++) {
                    expected.add(value(i));
                }
                long fenced = first.output().lines().filter(l -> l.contains("was fenced")).count();
                FaultReport.section("13-reflector-exactly-once-zombie", "Exactly-once: reflector, an instance paused past its session",
                        FaultReport.row("records", "read_committed: records", "lost", "duplicates", "A's transactions fenced after waking")
                                + "|---|---|---|---|---|\n"
                                + FaultReport.row(sent, out.size(), missing(expected, out), out.size() - new HashSet<>(out).size(), fenced)
                                + "\nTwo instances, one partition; A (copying it) stopped with SIGSTOP until B took over after the"
                                + " 6 s session timeout, then SIGCONT: B's producer for the partition fenced A's.\n");

                assertThat(missing(expected, out)).as("nothing lost").isZero();
                assertThat(out).as("no record twice: the woken instance's copies never became visible").doesNotHaveDuplicates();
                assertThat(first.alive() && second.alive()).isTrue();
            }
        }
    }

    private static long missing(Set<String> expected, List<String> out) {
        Set<String> m = new HashSet<>(expected);
        out.forEach(m::remove);
        return m.size();
    }
}
