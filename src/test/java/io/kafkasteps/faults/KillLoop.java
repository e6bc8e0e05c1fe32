package io.kafkasteps.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import io.kafkasteps.testing.AppProcess;
import io.kafkasteps.testing.Records;

/**
 * Runs the packaged jar over a backlog and kills it with SIGKILL at seeded random moments, then
 * lets a last run finish; afterwards works out, from the sink read back, how many duplicates each
 * kill caused and how many it could have caused (what was on the sink but not committed).
 */
final class KillLoop {

    /** One kill -9: where the sink and the committed offsets stood once the process was dead. */
    record Kill(int n, long target, long sinkAtKill, long committedAtKill, long restartToFirstDeliveryNanos, long runNanos, long stopNanos,
            int exitCode, long deliveredAfterStop) {
    }

    /** What the sink holds after the loop, per kill. */
    record Tally(List<Long> uncommitted, List<Long> duplicates, long duplicatesBeforeFirstKill, long totalDuplicates, int distinct) {
    }

    static final Duration RUN_DEADLINE = Duration.ofSeconds(180);

    private final Supplier<AppProcess> start;
    private final LongSupplier sinkEnd;
    private final LongSupplier committed;
    private final long done;
    private final boolean graceful;
    String logName = "run";
    final List<Kill> kills = new ArrayList<>();
    long finalRestartToFirstDeliveryNanos;
    long finalRunNanos;
    String lastOutput = "";

    /**
     * @param sinkEnd   records on the sink now
     * @param committed the group's committed position now (summed over partitions)
     * @param done      the committed position when everything is consumed
     */
    KillLoop(Supplier<AppProcess> start, LongSupplier sinkEnd, LongSupplier committed, long done) {
        this(start, sinkEnd, committed, done, false);
    }

    /** @param graceful SIGTERM instead of SIGKILL, and the process must exit within 10 s */
    KillLoop(Supplier<AppProcess> start, LongSupplier sinkEnd, LongSupplier committed, long done, boolean graceful) {
        this.graceful = graceful;
        this.start = start;
        this.sinkEnd = sinkEnd;
        this.committed = committed;
        this.done = done;
    }

    /** Seeded random kill moments, as sink counts in [3 %, 88 %] of {@code total}, at least 2 % apart. */
    static long[] moments(Random random, int kills, long total) {
        long[] t = new long[kills];
        for (int i = 0; i < kills; i++) {
            t[i] = (long) (total * (0.03 + random.nextDouble() * 0.75));
        }
        java.util.Arrays.sort(t);
        for (int i = 1; i < kills; i++) {
            t[i] = Math.max(t[i], t[i - 1] + total / 50);
        }
        return t;
    }

    /** Kills at each moment (the first time the sink holds at least that many records), then runs to the end. */
    void run(long[] moments, Records sinkOffsets, String sinkTopic) {
        long previousSink = sinkEnd.getAsLong();
        for (int i = 0; i < moments.length; i++) {
            long target = Math.max(moments[i], previousSink + 1);
            long began = System.nanoTime();
            long[] firstDelivery = {-1};
            long before = previousSink;
            long stopNanos;
            int exitCode;
            long sinkAtSignal;
            try (AppProcess app = start.get()) {
                boolean reached = Records.eventually(RUN_DEADLINE, () -> {
                    long now = sinkEnd.getAsLong();
                    if (firstDelivery[0] < 0 && now > before) {
                        firstDelivery[0] = System.nanoTime() - began;
                    }
                    return now >= target || !app.alive();
                });
                assertThat(reached && app.alive()).as("run %d reaches sink count %d (now %d) and is alive: %s", i + 1, target,
                        sinkEnd.getAsLong(), Jar.tail(app.output(), 40)).isTrue();
                sinkAtSignal = sinkEnd.getAsLong();
                long stopping = System.nanoTime();
                if (graceful) {
                    app.terminate();
                    // measured here, asserted (within 10 s) by the test once the numbers are in the report
                    assertThat(app.waitFor(Duration.ofSeconds(60))).as("SIGTERM %d: the process exits at all: %s", i + 1,
                            Jar.tail(app.output(), 30)).isTrue();
                    if (System.nanoTime() - stopping > java.util.concurrent.TimeUnit.SECONDS.toNanos(10)) {
                        Jar.keep(logName + "-sigterm-" + (i + 1), app.output().lines().toList());
                    }
                } else {
                    app.kill();
                }
                stopNanos = System.nanoTime() - stopping;
                assertThat(app.alive()).as("stopped").isFalse();
                exitCode = app.exitCode();
                lastOutput = app.output();
            }
            long sinkAt = sinkOffsets.settledEnd(sinkTopic);
            long committedAt = committed.getAsLong();
            kills.add(new Kill(i + 1, target, sinkAt, committedAt, firstDelivery[0], System.nanoTime() - began, stopNanos, exitCode,
                    sinkAt - sinkAtSignal));
            if (graceful && committedAt >= done) {
                break; // a stop that drained the stream (the test asserts the stop time and the number of stops)
            }
            assertThat(committedAt).as("stop %d is mid-stream", i + 1).isLessThan(done);
            previousSink = sinkAt;
        }
        long began = System.nanoTime();
        long[] firstDelivery = {-1};
        long before = previousSink;
        try (AppProcess app = start.get()) {
            boolean finished = Records.eventually(RUN_DEADLINE, () -> {
                if (firstDelivery[0] < 0 && sinkEnd.getAsLong() > before) {
                    firstDelivery[0] = System.nanoTime() - began;
                }
                return committed.getAsLong() >= done || !app.alive();
            });
            assertThat(finished && app.alive()).as("the last run finishes the stream: committed %d of %d: %s", committed.getAsLong(), done,
                    Jar.tail(app.output(), 40)).isTrue();
            finalRestartToFirstDeliveryNanos = firstDelivery[0];
            finalRunNanos = System.nanoTime() - began;
            app.terminate();
            assertThat(app.waitFor(Duration.ofSeconds(15))).as("the last run stops on SIGTERM").isTrue();
            lastOutput = app.output();
        }
    }

    /**
     * Duplicates per kill from the sink in offset order (one partition): the records written after
     * kill i (up to kill i+1) whose value was already there, against what was uncommitted at kill i
     * (distinct values on the sink whose source position is at or past the committed one).
     */
    Tally tally(List<String> sinkValues, ToLongFunction<String> sourcePosition) {
        List<Long> uncommitted = new ArrayList<>();
        List<Long> duplicates = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long dupBefore = 0;
        int offset = 0;
        for (int k = 0; k <= kills.size(); k++) {
            long until = k < kills.size() ? kills.get(k).sinkAtKill() : sinkValues.size();
            long dups = 0;
            for (; offset < until && offset < sinkValues.size(); offset++) {
                if (!seen.add(sinkValues.get(offset))) {
                    dups++;
                }
            }
            if (k == 0) {
                dupBefore = dups;
            } else {
                duplicates.add(dups);
            }
            if (k < kills.size()) {
                long committedAt = kills.get(k).committedAtKill();
                uncommitted.add(seen.stream().filter(v -> sourcePosition.applyAsLong(v) >= committedAt).count());
            }
        }
        long total = sinkValues.size() - seen.size();
        return new Tally(uncommitted, duplicates, dupBefore, total, seen.size());
    }

    /** The most records that reached the sink between a stop signal and the process's exit. */
    long mostDeliveredAfterStop() {
        return kills.stream().mapToLong(Kill::deliveredAfterStop).max().orElse(0);
    }

    /** The longest time from SIGTERM (or SIGKILL) to the process's exit. */
    long longestStopNanos() {
        return kills.stream().mapToLong(Kill::stopNanos).max().orElse(0);
    }

    /** The markdown table of the kills. */
    String table(Tally tally, String committedUnit) {
        StringBuilder sb = new StringBuilder();
        String what = graceful ? "SIGTERM" : "kill";
        sb.append(FaultReport.row(what, "stopped at sink record", "committed " + committedUnit + " at stop", "uncommitted on sink at stop",
                "duplicates after restart", "restart to first delivery (s)", graceful ? "SIGTERM to exit (s), exit code" : "exit code",
                "sink records written after the signal"));
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < kills.size(); i++) {
            Kill k = kills.get(i);
            long recovery = i + 1 < kills.size() ? kills.get(i + 1).restartToFirstDeliveryNanos() : finalRestartToFirstDeliveryNanos;
            sb.append(FaultReport.row(k.n(), k.sinkAtKill(), k.committedAtKill(), tally.uncommitted().get(i), tally.duplicates().get(i),
                    FaultReport.seconds(recovery), graceful ? FaultReport.seconds(k.stopNanos()) + ", " + k.exitCode() : k.exitCode(),
                    k.deliveredAfterStop()));
        }
        return sb.toString();
    }
}
