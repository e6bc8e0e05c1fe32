package io.kafkasteps.reflector;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares the reflector's copy with its source, record by record, for one sink topic and the
 * source topics copied into it. First every sink record in range is given ({@link #sink}), then
 * every source record, each source partition in offset order ({@link #source}); {@link #finish}
 * says what was found. It holds a {@link Fingerprint} and a position per sink record, not the
 * records. Pure logic: no Kafka client.
 *
 * <ul>
 * <li><b>copied</b>: the sink topic holds a record with the same fingerprint (key, value, headers
 * in order, timestamp when compared) not matched yet, after the copy of the previous record of
 * the same source partition in that sink partition (the source partition's order), and, with
 * {@code keepPartition}, in the partition of the same number. Among several, the first read.
 * <li><b>different</b>: such a record exists but only before the copy of an earlier record of
 * the same source partition ("out of order"); or none exists but, once every copy is matched, a
 * sink record that matched nothing has the same key (null matches null): value, headers,
 * timestamp or (with {@code keepPartition}) partition differ. The earliest such record is taken,
 * in the same partition first with {@code keepPartition}.
 * <li><b>missing</b>: neither.
 * <li><b>extra</b>: a sink record that is the copy of nothing in range (a duplicate, a record of
 * another topic or another time).
 * </ul>
 */
public final class CopyVerifier {

    private final String sinkTopic;
    private final boolean keepPartition;
    /** Sink records not matched yet, by fingerprint; records with the same fingerprint chained, first read first. */
    private final Map<Fingerprint, SinkCopy> unmatchedSink = new HashMap<>();
    /** Per source partition, per sink partition: the offset of the last copy matched there, and of its source record. */
    private final Map<SourcePartition, Map<Integer, long[]>> lastCopy = new HashMap<>();
    private final List<SourceRecord> unmatchedSource = new ArrayList<>();
    private final VerifyResult result = new VerifyResult();
    private boolean sealed;

    public CopyVerifier(String sinkTopic, boolean keepPartition) {
        this.sinkTopic = sinkTopic;
        this.keepPartition = keepPartition;
    }

    /** A sink record; all of them before the first source record, each partition in offset order. */
    public void sink(int partition, long offset, Fingerprint fingerprint) {
        if (sealed) {
            throw new IllegalStateException("every sink record comes before the first source record");
        }
        // Prepended here, reversed once at seal(): no tail pointers.
        unmatchedSink.put(fingerprint, new SinkCopy(partition, offset, fingerprint, unmatchedSink.get(fingerprint)));
    }

    /** A source record; each source partition in offset order. */
    public void source(String topic, int partition, long offset, Fingerprint fingerprint) {
        seal();
        SourcePartition from = new SourcePartition(topic, partition);
        Map<Integer, long[]> last = lastCopy.computeIfAbsent(from, k -> new HashMap<>());
        SinkCopy inOrder = null;
        SinkCopy outOfOrder = null;
        for (SinkCopy c = unmatchedSink.get(fingerprint); c != null; c = c.next) {
            if (keepPartition && c.partition != partition) {
                continue;
            }
            long[] previous = last.get(c.partition);
            if (previous == null || c.offset > previous[0]) {
                inOrder = c;
                break;
            }
            if (outOfOrder == null) {
                outOfOrder = c;
            }
        }
        if (inOrder != null) {
            take(fingerprint, inOrder);
            last.put(inOrder.partition, new long[] {inOrder.offset, offset});
            result.addCopied();
        } else if (outOfOrder != null) {
            take(fingerprint, outOfOrder);
            long[] previous = last.get(outOfOrder.partition);
            result.addDifferent(from.at(offset) + " vs sink " + sinkAt(outOfOrder.partition, outOfOrder.offset)
                    + ": out of order, before " + sinkAt(outOfOrder.partition, previous[0]) + ", the copy of " + from.at(previous[1]));
        } else {
            unmatchedSource.add(new SourceRecord(from, offset, fingerprint));
        }
    }

    /** Pairs what matched nothing by key, and counts the rest missing or extra. */
    public VerifyResult finish() {
        seal();
        List<SinkCopy> left = new ArrayList<>();
        for (SinkCopy head : unmatchedSink.values()) {
            for (SinkCopy c = head; c != null; c = c.next) {
                left.add(c);
            }
        }
        left.sort(Comparator.comparingInt((SinkCopy c) -> c.partition).thenComparingLong(c -> c.offset));
        Map<Long, ArrayDeque<SinkCopy>> byKey = new HashMap<>();
        Map<List<Long>, ArrayDeque<SinkCopy>> byKeyInPartition = new HashMap<>();
        for (SinkCopy r : left) {
            byKey.computeIfAbsent(r.fingerprint.key(), k -> new ArrayDeque<>()).add(r);
            if (keepPartition) {
                byKeyInPartition.computeIfAbsent(List.of(r.fingerprint.key(), (long) r.partition), k -> new ArrayDeque<>()).add(r);
            }
        }
        unmatchedSource.sort(Comparator.comparing((SourceRecord r) -> r.from.topic()).thenComparingInt(r -> r.from.partition())
                .thenComparingLong(SourceRecord::offset));
        for (SourceRecord s : unmatchedSource) {
            SinkCopy paired = keepPartition
                    ? firstUnpaired(byKeyInPartition.get(List.of(s.fingerprint.key(), (long) s.from.partition())))
                    : null;
            if (paired == null) {
                paired = firstUnpaired(byKey.get(s.fingerprint.key()));
            }
            if (paired == null) {
                result.addMissing(s.from.at(s.offset));
            } else {
                paired.paired = true;
                result.addDifferent(s.from.at(s.offset) + " vs sink " + sinkAt(paired.partition, paired.offset)
                        + ": same key, differs in " + differences(s, paired));
            }
        }
        left.stream().filter(r -> !r.paired).forEach(r -> result.addExtra("sink " + sinkAt(r.partition, r.offset)));
        return result;
    }

    /** The earliest record of a queue not paired yet; paired ones are dropped from its head on the way. */
    private static SinkCopy firstUnpaired(ArrayDeque<SinkCopy> queue) {
        if (queue == null) {
            return null;
        }
        while (!queue.isEmpty() && queue.peekFirst().paired) {
            queue.pollFirst();
        }
        return queue.peekFirst();
    }

    private String differences(SourceRecord s, SinkCopy r) {
        List<String> differ = new ArrayList<>();
        if (s.fingerprint.value() != r.fingerprint.value()) {
            differ.add("value");
        }
        if (s.fingerprint.headers() != r.fingerprint.headers()) {
            differ.add("headers");
        }
        if (s.fingerprint.timestamp() != r.fingerprint.timestamp()) {
            differ.add("timestamp (" + r.fingerprint.timestamp() + ", not " + s.fingerprint.timestamp() + ")");
        }
        if (keepPartition && r.partition != s.from.partition()) {
            differ.add("partition (" + r.partition + ", not " + s.from.partition() + ")");
        }
        return String.join(", ", differ);
    }

    private String sinkAt(int partition, long offset) {
        return sinkTopic + "-" + partition + "@" + offset;
    }

    private void take(Fingerprint fingerprint, SinkCopy copy) {
        SinkCopy head = unmatchedSink.get(fingerprint);
        if (head == copy) {
            if (copy.next == null) {
                unmatchedSink.remove(fingerprint);
            } else {
                unmatchedSink.put(fingerprint, copy.next);
            }
            return;
        }
        SinkCopy before = head;
        while (before.next != copy) {
            before = before.next;
        }
        before.next = copy.next;
    }

    /** The sink is complete: chains in reading order from here on. */
    private void seal() {
        if (!sealed) {
            sealed = true;
            unmatchedSink.replaceAll((fingerprint, head) -> head.next == null ? head : reverse(head));
        }
    }

    private static SinkCopy reverse(SinkCopy head) {
        SinkCopy reversed = null;
        for (SinkCopy c = head; c != null; ) {
            SinkCopy next = c.next;
            c.next = reversed;
            reversed = c;
            c = next;
        }
        return reversed;
    }

    private record SourcePartition(String topic, int partition) {
        String at(long offset) {
            return topic + "-" + partition + "@" + offset;
        }
    }

    private record SourceRecord(SourcePartition from, long offset, Fingerprint fingerprint) {
    }

    /** A sink record: its place, its fingerprint (the map's key, shared), the next with the same one. */
    private static final class SinkCopy {
        final int partition;
        final long offset;
        final Fingerprint fingerprint;
        SinkCopy next;
        /** Taken by a source record of the same key in {@link #finish}. */
        boolean paired;

        SinkCopy(int partition, long offset, Fingerprint fingerprint, SinkCopy next) {
            this.partition = partition;
            this.offset = offset;
            this.fingerprint = fingerprint;
            this.next = next;
        }
    }
}
