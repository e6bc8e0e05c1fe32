package io.kafkasteps.reflector;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.kafkasteps.ClientSecurity;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Whether topics that left the reflector's set are copied to their end (drained): the group's
 * committed offsets against the source's end offsets (latest), read when checked with an admin
 * client of the source cluster (the {@code reflectorSource} component's connection and security).
 * A partition is drained when its committed offset reaches its end offset, or when it holds no
 * records (log start = end: nothing to copy, so nothing is ever committed there); a topic when
 * every partition is; a topic the source does not have holds nothing to copy.
 */
public final class TopicDrain implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One topic at a check: records left to copy (0: drained), its committed offsets summed, whether the source has it. */
    public record State(long left, long committed, boolean exists) {
        public boolean drained() {
            return left == 0;
        }
    }

    private final String groupId;
    private final KafkaComponent source;
    private Admin admin;

    /**
     * @param groupId the reflector's consumer group
     * @param source  the source cluster, as the route's consumer connects to it
     */
    public TopicDrain(String groupId, KafkaComponent source) {
        this.groupId = groupId;
        this.source = source;
    }

    /** Records of one partition not copied yet: from the committed offset (none: the log start) to the end. */
    static long left(long logStart, long end, Long committed) {
        long from = committed == null ? logStart : Math.max(committed, logStart);
        return Math.max(0, end - from);
    }

    /** A topic's state from its partitions' log starts, end offsets and committed offsets (absent: none). */
    static State state(Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends, Map<TopicPartition, Long> committed) {
        long left = 0;
        long sum = 0;
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            Long c = committed.get(end.getKey());
            left += left(starts.getOrDefault(end.getKey(), 0L), end.getValue(), c);
            sum += c == null ? 0 : c;
        }
        return new State(left, sum, true);
    }

    /** The state of each topic now; throws when the source cannot be read. */
    public synchronized Map<String, State> check(Collection<String> topics) throws Exception {
        Map<String, State> states = new LinkedHashMap<>();
        if (topics.isEmpty()) {
            return states;
        }
        Admin admin = admin();
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(topics).topicNameValues();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (String topic : topics) {
            try {
                get(described.get(topic)).partitions().forEach(p -> {
                    latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
                    earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
                });
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                states.put(topic, new State(0, 0, false));
            }
        }
        if (latest.isEmpty()) {
            topics.forEach(t -> states.putIfAbsent(t, new State(0, 0, true)));   // topics without partitions
            return states;
        }
        Map<TopicPartition, Long> ends = offsets(get(admin.listOffsets(latest).all()));
        Map<TopicPartition, Long> starts = offsets(get(admin.listOffsets(earliest).all()));
        Map<TopicPartition, Long> committed = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> group = get(admin.listConsumerGroupOffsets(
                Map.of(groupId, new ListConsumerGroupOffsetsSpec().topicPartitions(List.copyOf(latest.keySet()))))
                .partitionsToOffsetAndMetadata(groupId));
        group.forEach((tp, o) -> {
            if (o != null) {
                committed.put(tp, o.offset());
            }
        });
        for (String topic : topics) {
            if (!states.containsKey(topic)) {
                states.put(topic, state(only(topic, starts), only(topic, ends), only(topic, committed)));
            }
        }
        return states;
    }

    private static Map<TopicPartition, Long> only(String topic, Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, Long> of = new HashMap<>();
        offsets.forEach((tp, o) -> {
            if (tp.topic().equals(topic)) {
                of.put(tp, o);
            }
        });
        return of;
    }

    private static Map<TopicPartition, Long> offsets(Map<TopicPartition, ListOffsetsResultInfo> infos) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        infos.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    private static <T> T get(KafkaFuture<T> future) throws Exception {
        return future.get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
    }

    private Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new HashMap<>();
            ClientSecurity.connection(source).forEach((k, v) -> {
                if (v != null) {
                    config.put(k, v);
                }
            });
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, groupId + "-drain");
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
            admin = Admin.create(config);
        }
        return admin;
    }

    /** Closes the admin client (the bean's destroy method). */
    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
            admin = null;
        }
    }
}
