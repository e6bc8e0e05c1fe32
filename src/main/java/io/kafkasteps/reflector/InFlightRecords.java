package io.kafkasteps.reflector;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records sent to the sink and not yet committed on the source, per source partition in
 * offset order: their offsets and sizes, not the records (after a failure they are read again
 * from the source, so memory holds only what the producer holds). The sink's acknowledgements
 * arrive on the producer's thread and only mark an entry; every other method runs on the
 * consumer's thread. A partition's offset may be committed up to its first record not yet
 * acknowledged, never past it: what {@link #takeCommittable()} returns.
 */
final class InFlightRecords {

    /** One record sent: its source offset, what was sent, and the sink's answer. */
    static final class Entry implements Callback {
        final long offset;
        final int bytes;
        private volatile boolean acked;
        private volatile Exception failure;
        private final java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);

        Entry(long offset, int bytes) {
            this.offset = offset;
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

    private final Map<TopicPartition, Deque<Entry>> partitions = new LinkedHashMap<>();
    // written on the consumer's thread only; volatile for the metrics' reader (RecordCopier's gauges)
    private volatile long bytes;
    private volatile int size;

    /** A record about to be sent; the entry is its send callback. */
    Entry add(TopicPartition partition, long offset, int bytes) {
        Entry e = new Entry(offset, bytes);
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
        for (Iterator<Map.Entry<TopicPartition, Deque<Entry>>> it = partitions.entrySet().iterator(); it.hasNext();) {
            Map.Entry<TopicPartition, Deque<Entry>> p = it.next();
            Deque<Entry> entries = p.getValue();
            Entry last = null;
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
        for (Deque<Entry> entries : partitions.values()) {
            Entry last = entries.peekLast();
            if (last != null && !last.answered.await(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    /** The first failure the sink reported, or null. */
    Exception firstFailure() {
        for (Deque<Entry> entries : partitions.values()) {
            for (Entry e : entries) {
                if (e.failure() != null) {
                    return e.failure();
                }
            }
        }
        return null;
    }

    /**
     * For each partition with a failed record: forgets that record and every one after it, and
     * returns the offset to read that partition again from (the failed record's). Those after it
     * may have been written already: at least once, and per key the last copy is the last record.
     * Call when nothing is outstanding.
     */
    Map<TopicPartition, Long> rewindFromFirstFailure() {
        Map<TopicPartition, Long> rewind = new LinkedHashMap<>();
        for (Iterator<Map.Entry<TopicPartition, Deque<Entry>>> it = partitions.entrySet().iterator(); it.hasNext();) {
            Map.Entry<TopicPartition, Deque<Entry>> p = it.next();
            Deque<Entry> kept = new ArrayDeque<>();
            Long from = null;
            for (Entry e : p.getValue()) {
                if (from == null && e.failure() != null) {
                    from = e.offset;
                }
                if (from == null) {
                    kept.addLast(e);
                } else {
                    bytes -= e.bytes;
                    size--;
                }
            }
            if (from != null) {
                rewind.put(p.getKey(), from);
                p.setValue(kept);
            }
            if (kept.isEmpty()) {
                it.remove();
            }
        }
        return rewind;
    }

    /** Forgets the partitions this consumer no longer owns: their new owner reads them again from the committed offset. */
    void retainOnly(Collection<TopicPartition> owned) {
        for (Iterator<Map.Entry<TopicPartition, Deque<Entry>>> it = partitions.entrySet().iterator(); it.hasNext();) {
            Map.Entry<TopicPartition, Deque<Entry>> p = it.next();
            if (!owned.contains(p.getKey())) {
                for (Entry e : p.getValue()) {
                    bytes -= e.bytes;
                    size--;
                }
                it.remove();
            }
        }
    }

    /** Per partition with records here: the offset after the last one sent. */
    Map<TopicPartition, Long> nextOffsets() {
        Map<TopicPartition, Long> next = new LinkedHashMap<>();
        partitions.forEach((tp, entries) -> {
            if (!entries.isEmpty()) {
                next.put(tp, entries.peekLast().offset + 1);
            }
        });
        return next;
    }

    void clear() {
        partitions.clear();
        bytes = 0;
        size = 0;
    }
}
