package io.kafkasteps.reflector;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records sent to the sink and not yet committed on the source, per source partition in
 * offset order. The sink's acknowledgements arrive on the producer's thread and only mark an
 * entry; every other method runs on the consumer's thread. A partition's offset may be committed
 * up to its first record not yet acknowledged, never past it: what {@link #takeCommittable()}
 * returns.
 *
 * @param <R> what is sent (kept to send again after a failure)
 */
final class InFlightRecords<R> {

    /** One record sent: its source offset, what was sent, and the sink's answer. */
    static final class Entry<R> implements Callback {
        final long offset;
        final R record;
        final int bytes;
        private volatile boolean acked;
        private volatile Exception failure;
        private final java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);

        Entry(long offset, R record, int bytes) {
            this.offset = offset;
            this.record = record;
            this.bytes = bytes;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception == null) {
                acked = true;
            } else {
                failure = exception;
            }
            answered.countDown();
        }

        boolean acked() {
            return acked;
        }

        Exception failure() {
            return failure;
        }
    }

    private final Map<TopicPartition, Deque<Entry<R>>> partitions = new LinkedHashMap<>();
    private long bytes;
    private int size;

    /** A record about to be sent; the entry is its send callback. */
    Entry<R> add(TopicPartition partition, long offset, R record, int bytes) {
        Entry<R> e = new Entry<>(offset, record, bytes);
        partitions.computeIfAbsent(partition, p -> new ArrayDeque<>()).addLast(e);
        this.bytes += bytes;
        size++;
        return e;
    }

    int size() {
        return size;
    }

    long bytes() {
        return bytes;
    }

    /** Removes every partition's acknowledged prefix; returns per partition the offset to commit (after its last acknowledged record). */
    Map<TopicPartition, Long> takeCommittable() {
        Map<TopicPartition, Long> commits = new LinkedHashMap<>();
        for (Iterator<Map.Entry<TopicPartition, Deque<Entry<R>>>> it = partitions.entrySet().iterator(); it.hasNext();) {
            Map.Entry<TopicPartition, Deque<Entry<R>>> p = it.next();
            Deque<Entry<R>> entries = p.getValue();
            Entry<R> last = null;
            while (!entries.isEmpty() && entries.peekFirst().acked()) {
                last = entries.pollFirst();
                bytes -= last.bytes;
                size--;
            }
            if (last != null) {
                commits.put(p.getKey(), last.offset + 1);
            }
            if (entries.isEmpty()) {
                it.remove();
            }
        }
        return commits;
    }

    /**
     * Waits up to {@code millis} until the sink answered every record (acknowledged or failed);
     * returns whether it did. A partition's answers come in send order, so its last record's
     * answer means all of them.
     */
    boolean awaitAnswers(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
        for (Deque<Entry<R>> entries : partitions.values()) {
            Entry<R> last = entries.peekLast();
            if (last != null && !last.answered.await(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    /** The first failure the sink reported, or null. */
    Exception firstFailure() {
        for (Deque<Entry<R>> entries : partitions.values()) {
            for (Entry<R> e : entries) {
                if (e.failure() != null) {
                    return e.failure();
                }
            }
        }
        return null;
    }

    /**
     * For each partition with a failed record: that record and every one after it, in offset
     * order, as new entries to send again (those after it may have been written already: at least
     * once, and per key the last copy is the last record). Call when nothing is outstanding.
     */
    List<Entry<R>> resendFromFirstFailure() {
        List<Entry<R>> again = new ArrayList<>();
        for (Deque<Entry<R>> entries : partitions.values()) {
            boolean failed = false;
            List<Entry<R>> kept = new ArrayList<>(entries.size());
            for (Entry<R> e : entries) {
                failed |= e.failure() != null;
                if (failed) {
                    Entry<R> fresh = new Entry<>(e.offset, e.record, e.bytes);
                    kept.add(fresh);
                    again.add(fresh);
                } else {
                    kept.add(e);
                }
            }
            entries.clear();
            entries.addAll(kept);
        }
        return again;
    }

    /** Forgets the partitions this consumer no longer owns: their new owner reads them again from the committed offset. */
    void retainOnly(Collection<TopicPartition> owned) {
        for (Iterator<Map.Entry<TopicPartition, Deque<Entry<R>>>> it = partitions.entrySet().iterator(); it.hasNext();) {
            Map.Entry<TopicPartition, Deque<Entry<R>>> p = it.next();
            if (!owned.contains(p.getKey())) {
                for (Entry<R> e : p.getValue()) {
                    bytes -= e.bytes;
                    size--;
                }
                it.remove();
            }
        }
    }

    void clear() {
        partitions.clear();
        bytes = 0;
        size = 0;
    }
}
