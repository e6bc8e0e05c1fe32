package io.kafkasteps.reflector;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * The delay before a record the sink did not acknowledge is read and sent again: doubling from
 * the first delay to the longest while the same record of a partition fails again, back to the
 * first once that partition moved past it.
 */
final class RetryBackoff {

    private final long initialMs;
    private final long maxMs;
    private final Map<TopicPartition, long[]> failing = new HashMap<>();   // partition -> {offset, failures}

    RetryBackoff(long initialMs, long maxMs) {
        this.initialMs = initialMs;
        this.maxMs = maxMs;
    }

    /** The delay for a rewind to these offsets: the longest of its partitions'. */
    long next(Map<TopicPartition, Long> rewind) {
        failing.keySet().retainAll(rewind.keySet());
        long delay = 0;
        for (Map.Entry<TopicPartition, Long> e : rewind.entrySet()) {
            long[] state = failing.get(e.getKey());
            if (state == null || state[0] != e.getValue()) {
                state = new long[] {e.getValue(), 0};
                failing.put(e.getKey(), state);
            }
            long d = initialMs << Math.min(30, state[1]);
            state[1]++;
            delay = Math.max(delay, Math.min(maxMs, d));
        }
        return delay;
    }
}
