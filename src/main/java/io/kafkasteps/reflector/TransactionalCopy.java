package io.kafkasteps.reflector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once copy ({@code reflector.delivery=exactly-once}), as MirrorMaker 2 does it since
 * KIP-618: a transaction cannot span the two clusters, so each source partition's offset is kept on
 * the sink ({@link SinkOffsets}) and written in the same transaction as that partition's copies;
 * a consumer of the sink with {@code isolation.level=read_committed} sees each record once. Each
 * source partition has its own transactional producer, its {@code transactional.id} named after the
 * group, topic and partition: the partition's next owner, starting that producer, fences the last
 * owner's (a crashed one, or one paused past its session that wakes up) and aborts what it left
 * open. The source group's offsets follow each commit, for lag and monitoring.
 *
 * <p>Why Java: camel-kafka has no transactional producer per partition and no way to put an offset
 * record of another topic into a send's transaction.
 */
final class TransactionalCopy {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalCopy.class);

    /** A partition's records of one poll, in offset order, copied in one transaction. */
    record Part(TopicPartition source, long nextOffset, List<ProducerRecord<byte[], byte[]>> copies) {
    }

    private final Map<String, Object> producerConfig;
    private final String idPrefix;
    private final SinkOffsets offsets;
    private final Duration timeout;
    private final Map<TopicPartition, KafkaProducer<byte[], byte[]>> producers = new HashMap<>();
    private final Set<TopicPartition> unsynced = new LinkedHashSet<>();
    private Exception lastFailure;

    /**
     * @param producerConfig the sink producer's settings (connection, batching, pass-through)
     * @param idPrefix       transactional.id prefix: {@code <prefix>-<topic>-<partition>}
     * @param offsets        the source offsets kept on the sink
     * @param timeout        longest wait for the sink's answers while partitions are synced
     */
    TransactionalCopy(Map<String, Object> producerConfig, String idPrefix, SinkOffsets offsets, Duration timeout) {
        this.producerConfig = producerConfig;
        this.idPrefix = idPrefix;
        this.offsets = offsets;
        this.timeout = timeout;
    }

    /**
     * Partitions assigned (on the consumer's thread, inside poll, before the first fetch): each gets
     * its producer, which fences the partition's last owner and ends what it left open, and the
     * consumer reads on from the offset kept on the sink, the truth. When the sink does not answer,
     * the partitions stay unsynced: their records are not copied until {@link #sync} succeeds.
     */
    void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        unsynced.addAll(partitions);
        if (!sync(consumer)) {
            LOG.warn("exactly-once: partitions {} are not synced with the sink yet ({}); their records wait", unsynced, io.kafkasteps.ops.ReadinessHold.describe(lastFailure));
        }
    }

    /**
     * Syncs the partitions that are not (newly assigned, or after a failed transaction): their
     * producer started (a commit whose outcome was unknown is settled by it), the consumer set back
     * to the offset kept on the sink (else the group's committed one, else the beginning), and the
     * group's offset set to it.
     *
     * @return whether every partition is synced now
     */
    boolean sync(Consumer<?, ?> consumer) {
        unsynced.retainAll(consumer.assignment());
        if (unsynced.isEmpty()) {
            return true;
        }
        try {
            for (TopicPartition tp : unsynced) {
                producerOf(tp);
            }
            Map<TopicPartition, Long> kept = offsets.read(unsynced, timeout);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new LinkedHashSet<>(unsynced), timeout);
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            List<TopicPartition> fromStart = new ArrayList<>();
            for (TopicPartition tp : unsynced) {
                Long at = kept.get(tp);
                if (at != null) {
                    consumer.seek(tp, at);
                    commits.put(tp, new OffsetAndMetadata(at));
                } else if (committed.get(tp) != null) {
                    consumer.seek(tp, committed.get(tp).offset());
                } else {
                    fromStart.add(tp);
                }
            }
            if (!fromStart.isEmpty()) {
                consumer.seekToBeginning(fromStart);
            }
            if (!commits.isEmpty()) {
                try {
                    consumer.commitSync(commits, timeout);   // for lag and drains only: the kept offsets are the truth
                } catch (Exception e) {
                    LOG.debug("exactly-once: the group's offsets were not set to the kept ones ({}); they follow the next commit", e.toString());
                }
            }
            LOG.info("exactly-once: {} synced with the sink: reading on from {}{}", unsynced, kept,
                    fromStart.isEmpty() ? "" : ", from the beginning: " + fromStart);
            unsynced.clear();
            return true;
        } catch (Exception e) {
            lastFailure = e;
            return false;
        }
    }

    /** Partitions leaving: their producers are closed (nothing is open between polls). */
    void revoked(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            close(tp);
        }
        unsynced.removeAll(partitions);
    }

    /** These partitions are read again from their kept offsets before anything more is copied. */
    void unsync(Collection<TopicPartition> partitions) {
        unsynced.addAll(partitions);
    }

    /** Partitions not synced: their records are not copied, the consumer is set back when they are. */
    Set<TopicPartition> unsynced() {
        return Set.copyOf(unsynced);
    }

    /** Why the last copy or sync failed. */
    Exception lastFailure() {
        return lastFailure;
    }

    /**
     * Copies a poll, one transaction per source partition: its copies and its next offset,
     * committed together. A partition whose transaction fails is aborted and left unsynced.
     *
     * @return the next offset of each partition committed
     */
    Map<TopicPartition, Long> copy(List<Part> parts) {
        Map<Part, KafkaProducer<byte[], byte[]>> open = new LinkedHashMap<>();
        Map<TopicPartition, Long> committed = new LinkedHashMap<>();
        for (Part part : parts) {
            if (unsynced.contains(part.source())) {
                continue;   // read again once synced
            }
            try {
                KafkaProducer<byte[], byte[]> p = producerOf(part.source());
                p.beginTransaction();
                open.put(part, p);
                for (ProducerRecord<byte[], byte[]> copy : part.copies()) {
                    p.send(copy);
                }
                p.send(offsets.record(part.source(), part.nextOffset()));
            } catch (Exception e) {
                failed(part.source(), e);
                open.remove(part);
            }
        }
        for (var e : open.entrySet()) {
            try {
                e.getValue().commitTransaction();   // waits for every copy of the partition and its offset record
                committed.put(e.getKey().source(), e.getKey().nextOffset());
            } catch (Exception failure) {
                failed(e.getKey().source(), failure);
            }
        }
        return committed;
    }

    /**
     * A partition's transaction failed: its producer is closed (an open transaction is ended by the
     * next one, which also settles a commit whose outcome was unknown) and the partition is synced
     * again before its records are copied.
     */
    private void failed(TopicPartition tp, Exception e) {
        lastFailure = e;
        if (e instanceof ProducerFencedException) {
            LOG.warn("exactly-once: the producer of {} was fenced by a newer owner of the partition", tp);
        }
        close(tp);
        unsynced.add(tp);
    }

    private void close(TopicPartition tp) {
        KafkaProducer<byte[], byte[]> p = producers.remove(tp);
        if (p != null) {
            p.close(Duration.ZERO);
        }
    }

    /** Closes every producer, waiting at most {@code timeout} (an open transaction is aborted by the next owner's producer). */
    void close(Duration timeout) {
        producers.values().forEach(p -> p.close(timeout));
        producers.clear();
    }

    private KafkaProducer<byte[], byte[]> producerOf(TopicPartition tp) {
        KafkaProducer<byte[], byte[]> p = producers.get(tp);
        if (p == null) {
            Map<String, Object> config = new HashMap<>(producerConfig);
            String id = idPrefix + "-" + tp.topic() + "-" + tp.partition();
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, config.getOrDefault(ProducerConfig.CLIENT_ID_CONFIG, "reflector") + "-" + tp);
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            p = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
            try {
                p.initTransactions();   // fences the partition's last owner, aborts what it left open
            } catch (TimeoutException e) {
                p.close(Duration.ZERO);
                throw new TimeoutException("the sink cluster started no transaction for " + tp + " within max.block.ms: is its"
                        + " transaction state log (__transaction_state) writable?", e);
            } catch (RuntimeException e) {
                p.close(Duration.ZERO);
                throw e;
            }
            producers.put(tp, p);
        }
        return p;
    }

    /** The poll's records grouped by source partition, in offset order, each turned into its copy. */
    static <M> List<Part> parts(List<M> records, Function<M, TopicPartition> source, Function<M, Long> offset,
            Function<M, ProducerRecord<byte[], byte[]>> copy) {
        Map<TopicPartition, List<M>> by = new LinkedHashMap<>();
        for (M m : records) {
            by.computeIfAbsent(source.apply(m), k -> new ArrayList<>()).add(m);
        }
        List<Part> parts = new ArrayList<>();
        by.forEach((tp, ms) -> parts.add(new Part(tp, offset.apply(ms.get(ms.size() - 1)) + 1, ms.stream().map(copy).toList())));
        return parts;
    }
}
