package io.kafkasteps.reflector;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The source offsets of an exactly-once copy, kept on the sink cluster in a compacted topic
 * ({@code reflector.offsets.topic}): one record per source partition, key {@code topic:partition},
 * value the next offset to copy, written in the transaction of that partition's copies. Read with
 * {@code read_committed} up to the topic's end as of the read, so a transaction still open there
 * (a crashed owner's, until its producer is fenced or it times out) is waited for, not skipped.
 */
final class SinkOffsets {

    private final Map<String, Object> connection;
    private final String topic;
    private boolean created;

    /**
     * @param connection the sink cluster's bootstrap servers and security
     * @param topic      the offsets topic on the sink
     */
    SinkOffsets(Map<String, Object> connection, String topic) {
        this.connection = connection;
        this.topic = topic;
    }

    String topic() {
        return topic;
    }

    /** The record that keeps {@code next} as where {@code source} reads on. */
    ProducerRecord<byte[], byte[]> record(TopicPartition source, long next) {
        return new ProducerRecord<>(topic, key(source), String.valueOf(next).getBytes(StandardCharsets.UTF_8));
    }

    /** The offsets kept for these source partitions (those with none are left out). */
    Map<TopicPartition, Long> read(Collection<TopicPartition> sources, Duration timeout) throws Exception {
        Map<String, Object> config = new HashMap<>(connection);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        Map<String, TopicPartition> wanted = new HashMap<>();
        sources.forEach(tp -> wanted.put(new String(key(tp), StandardCharsets.UTF_8), tp));
        Map<TopicPartition, Long> kept = new HashMap<>();
        try (Admin admin = Admin.create(config)) {
            ensureTopic(admin, timeout);
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
            Map<String, Object> consumerConfig = new HashMap<>(connection);
            consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumerConfig.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            consumerConfig.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long deadline = System.nanoTime() + timeout.toNanos();
                while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                    if (System.nanoTime() > deadline) {
                        throw new TimeoutException("the offsets kept on the sink (" + topic + ") could not be read to their end within "
                                + timeout.toMillis() + " ms: a transaction there is still open");
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        TopicPartition source = r.key() == null ? null : wanted.get(new String(r.key(), StandardCharsets.UTF_8));
                        if (source != null && r.value() != null) {
                            kept.put(source, Long.parseLong(new String(r.value(), StandardCharsets.UTF_8)));
                        }
                    }
                }
            }
        }
        return kept;
    }

    /** The offsets topic, compacted, created when missing (one partition: a record per source partition). */
    private void ensureTopic(Admin admin, Duration timeout) throws Exception {
        if (created) {
            return;
        }
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                    // short segments, so compaction keeps what a sync reads (all of it) small
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT, TopicConfig.SEGMENT_MS_CONFIG, "600000"))))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        created = true;
    }

    private static byte[] key(TopicPartition tp) {
        return (tp.topic() + ":" + tp.partition()).getBytes(StandardCharsets.UTF_8);
    }
}
