package io.kafkasteps.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.kafkasteps.testing.Records;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** End offsets and committed offsets read from a real broker, per partition. */
final class Offsets implements AutoCloseable {

    private final String bootstrap;
    private final Admin admin;

    Offsets(String bootstrap) {
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", 10000, "default.api.timeout.ms", 15000));
    }

    /** The end offset of every partition of a topic. */
    Map<Integer, Long> ends(String topic) {
        try {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<Integer, Long> ends = new TreeMap<>();
            admin.listOffsets(request).all().get(15, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
            return ends;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e, e);
        }
    }

    /** Records on a topic: the sum of its end offsets (no compaction or deletion in these tests). */
    long end(String topic) {
        return ends(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The end offset once it stopped moving (after a kill, a send already on the wire may still land). */
    long settledEnd(String topic) {
        long[] last = {-1};
        int[] same = {0};
        Records.eventually(Duration.ofSeconds(10), () -> {
            long now = end(topic);
            same[0] = now == last[0] ? same[0] + 1 : 0;
            last[0] = now;
            return same[0] >= 3;
        });
        return last[0];
    }

    /** The group's committed offset per partition of a topic (partitions without one are absent). */
    Map<Integer, Long> committedByPartition(String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
            Map<Integer, Long> out = new TreeMap<>();
            offsets.forEach((tp, om) -> {
                if (tp.topic().equals(topic) && om != null) {
                    out.put(tp.partition(), om.offset());
                }
            });
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    long committed(String group, String topic) {
        return committedByPartition(group, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Every record of every partition of a topic, up to the end offsets of now, partition by partition. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Map<Integer, Long> ends = ends(topic);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", bootstrap, "max.poll.records", 5000, "fetch.max.bytes", 52428800,
                        "max.partition.fetch.bytes", 10485760),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (var e : ends.entrySet()) {
                TopicPartition tp = new TopicPartition(topic, e.getKey());
                consumer.assign(List.of(tp));
                consumer.seek(tp, 0);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (consumer.position(tp) < e.getValue() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.offset() < e.getValue()) {
                            out.add(r);
                        }
                    }
                }
                if (consumer.position(tp) < e.getValue()) {
                    throw new IllegalStateException("could not read " + tp + " up to " + e.getValue());
                }
            }
        }
        return out;
    }

    /**
     * Records of partition 0 of a topic from an offset on, polled until {@code done} holds for what
     * was read or the deadline passes.
     */
    List<ConsumerRecord<byte[], byte[]>> readFrom(String topic, long from, java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration deadline) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", bootstrap, "max.poll.records", 5000, "fetch.max.bytes", 52428800,
                        "max.partition.fetch.bytes", 10485760),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seek(tp, from);
            long end = System.nanoTime() + deadline.toNanos();
            while (!done.test(out) && System.nanoTime() < end) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
