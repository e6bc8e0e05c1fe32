package io.kafkasteps;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewinds a consumer group's committed offsets on a topic to the earliest offsets, once, before
 * the route starts: what {@code kafka-consumer-groups --reset-offsets --to-earliest} does. Unlike
 * a seek on every partition assignment, it cannot repeat on a rebalance or a reconnect. The group
 * must be idle: Kafka refuses to move the offsets of a group with live members.
 */
public final class GroupRewind {

    private static final Logger LOG = LoggerFactory.getLogger(GroupRewind.class);

    private GroupRewind() {
    }

    /** @return how many partitions were rewound */
    public static int toEarliest(Map<String, Object> clientConfig, String group, String topic, Duration timeout) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(config)) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            description.partitions().forEach(p -> specs.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest()));
            Map<TopicPartition, ListOffsetsResultInfo> earliest = admin.listOffsets(specs).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            earliest.forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, offsets).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.warn("reset: group '{}' rewound to the earliest offsets of '{}' ({} partitions): every record will be read again",
                    group, topic, offsets.size());
            return offsets.size();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownMemberIdException) {
                throw new IllegalStateException("cannot reset group '" + group + "': it has running members; stop its other instances first");
            }
            if (cause instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("cannot reset group '" + group + "': topic '" + topic + "' does not exist");
            }
            throw new IllegalStateException("cannot reset group '" + group + "': " + cause.getMessage());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot reset group '" + group + "': no answer from the cluster within " + timeout.toSeconds() + "s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resetting group '" + group + "'");
        }
    }
}
