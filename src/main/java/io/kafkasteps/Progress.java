package io.kafkasteps;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what a route delivered and logs it once per interval: batches in, events out, dead
 * letters and tombstones. Counts are taken after the sink acknowledged, never before.
 */
public final class Progress {

    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    private final String route;
    private final String unit;
    private final LongAdder batches = new LongAdder();
    private final LongAdder events = new LongAdder();
    private final LongAdder deadLetters = new LongAdder();
    private final LongAdder tombstones = new LongAdder();
    private long lastBatches;
    private long lastEvents;
    private long lastDeadLetters;
    private long lastTombstones;
    private long lastReportNanos = System.nanoTime();

    /** A splitter's progress: events out, dead letters and tombstones. */
    public Progress(String route) {
        this(route, "events");
    }

    /** A copy's progress: batches in, {@code unit} out. */
    public Progress(String route, String unit) {
        this.route = route;
        this.unit = unit;
    }

    /** A batch record whose events were all acknowledged: the body is the list sent, or no list for an empty batch. */
    public void batch(Object sent) {
        batches.increment();
        if (sent instanceof List<?> list) {
            events.add(list.size());
        }
    }

    public void deadLetter() {
        deadLetters.increment();
    }

    public void tombstone() {
        tombstones.increment();
    }

    public long batches() {
        return batches.sum();
    }

    public long events() {
        return events.sum();
    }

    public long deadLetters() {
        return deadLetters.sum();
    }

    public long tombstones() {
        return tombstones.sum();
    }

    /** Logs the interval since the last report in one line. */
    public synchronized String report() {
        long now = System.nanoTime();
        long b = batches(), e = events(), d = deadLetters(), t = tombstones();
        double seconds = Math.max(1e-9, (now - lastReportNanos) / 1e9);
        String extra = unit.equals("events")
                ? String.format(", %d dead letters, %d tombstones", d - lastDeadLetters, t - lastTombstones) : "";
        String line = String.format("%s: %d batches in, %d %s out%s in %.0fs (%.0f %s/s); total %d %s",
                route, b - lastBatches, e - lastEvents, unit, extra, seconds, (e - lastEvents) / seconds, unit, e, unit);
        lastBatches = b;
        lastEvents = e;
        lastDeadLetters = d;
        lastTombstones = t;
        lastReportNanos = now;
        LOG.info(line);
        return line;
    }
}
