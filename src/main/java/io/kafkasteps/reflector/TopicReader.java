package io.kafkasteps.reflector;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics of one cluster for {@code --verify}, with a consumer of its own: partitions
 * assigned (no group, so nothing is committed or rebalanced), never creating a topic. Each
 * partition is read from a start offset up to the end offset {@link #ranges} took, so a run ends
 * while records keep arriving. A Kafka failure becomes one line naming the cluster.
 */
final class TopicReader implements AutoCloseable {

    /** The offsets {@code [start, end)} of one partition to read. */
    record Range(long start, long end) {
    }

    private final String side;
    private final Object servers;
    private final Duration timeout;
    private final KafkaConsumer<byte[], byte[]> consumer;

    /**
     * @param side    "source" or "sink", for messages
     * @param client  bootstrap servers and security
     * @param timeout longest wait of one request, and of no progress while reading
     * @param isolation read_committed or read_uncommitted
     */
    TopicReader(String side, Map<String, Object> client, Duration timeout, String isolation) {
        this.side = side;
        this.servers = client.get("bootstrap.servers");
        this.timeout = timeout;
        Map<String, Object> props = new HashMap<>();
        client.forEach((k, v) -> {
            if (v != null && !v.toString().isBlank()) {
                props.put(k, v);
            }
        });
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-steps-verify-" + side);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        this.consumer = kafka(() -> new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    }

    String servers() {
        return String.valueOf(servers);
    }

    /**
     * Every partition of the topics that exist, from the first record at or after {@code since}
     * (null: the beginning) to the end now.
     */
    Map<TopicPartition, Range> ranges(Collection<String> topics, Instant since) {
        return kafka(() -> {
            Map<String, List<PartitionInfo>> all = consumer.listTopics(timeout);
            List<TopicPartition> partitions = topics.stream().filter(all::containsKey)
                    .flatMap(t -> all.get(t).stream().map(p -> new TopicPartition(t, p.partition()))).toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> starts = new HashMap<>();
            if (since == null) {
                starts.putAll(consumer.beginningOffsets(partitions, timeout));
            } else {
                Map<TopicPartition, Long> at = new HashMap<>();
                partitions.forEach(tp -> at.put(tp, since.toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(at, timeout);
                partitions.forEach(tp -> starts.put(tp, found.get(tp) == null ? ends.get(tp) : found.get(tp).offset()));
            }
            Map<TopicPartition, Range> ranges = new LinkedHashMap<>();
            partitions.forEach(tp -> ranges.put(tp, new Range(starts.get(tp), ends.get(tp))));
            return ranges;
        });
    }

    /** Hands over every record of the ranges, each partition in offset order. */
    void read(Map<TopicPartition, Range> ranges, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        kafka(() -> {
            Set<TopicPartition> open = new HashSet<>();
            ranges.forEach((tp, r) -> {
                if (r.start() < r.end()) {
                    open.add(tp);
                }
            });
            consumer.assign(open);
            open.forEach(tp -> consumer.seek(tp, ranges.get(tp).start()));
            long progress = System.nanoTime();
            while (!open.isEmpty()) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
                for (TopicPartition tp : polled.partitions()) {
                    long end = ranges.get(tp).end();
                    for (ConsumerRecord<byte[], byte[]> record : polled.records(tp)) {
                        if (record.offset() < end) {
                            each.accept(record);
                        }
                    }
                }
                for (Iterator<TopicPartition> it = open.iterator(); it.hasNext(); ) {
                    TopicPartition tp = it.next();
                    if (consumer.position(tp) >= ranges.get(tp).end()) {
                        consumer.pause(List.of(tp));
                        it.remove();
                    }
                }
                if (!polled.isEmpty()) {
                    progress = System.nanoTime();
                } else if (System.nanoTime() - progress > timeout.toNanos()) {
                    throw new IllegalStateException("no records from " + open + " for " + timeout.toMillis() + " ms");
                }
            }
            consumer.assign(List.of());
            return null;
        });
    }

    private <T> T kafka(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (KafkaException | IllegalStateException e) {
            throw new IllegalStateException("cannot read the " + side + " cluster " + servers + ": "
                    + io.kafkasteps.ops.ReadinessHold.describe(e), e);
        }
    }

    @Override
    public void close() {
        kafka(() -> {
            consumer.close(Duration.ofSeconds(5));
            return null;
        });
    }
}
