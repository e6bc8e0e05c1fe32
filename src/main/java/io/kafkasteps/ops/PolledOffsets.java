package io.kafkasteps.ops;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer interceptor that notes, per partition, the first offset any poll returned: where a
 * partition is read again from when none of its records reached the route yet (camel's batching
 * consumer holds a poll's records until the next poll returns, and drops them when that one
 * throws). Kept on the consumer's own thread, without a broker call, so {@link PollRetry} can
 * point the consumer back even while the broker refuses it. It also stamps each record with when it
 * was fetched ({@link FetchStamps}). {@link KafkaClients} installs it.
 */
public final class PolledOffsets implements ConsumerInterceptor<Object, Object> {

    /** The client property that carries the map this interceptor fills. */
    static final String SEEN = "kafka.steps.polled.offsets";

    private Map<TopicPartition, Long> seen = new ConcurrentHashMap<>();
    private FetchStamps stamps;

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs) {
        Object given = configs.get(SEEN);
        if (given instanceof Map<?, ?> map) {
            seen = (Map<TopicPartition, Long>) map;
        }
        if (configs.get(FetchStamps.KEY) instanceof FetchStamps given2) {
            stamps = given2;
        }
    }

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        for (TopicPartition tp : records.partitions()) {
            var list = records.records(tp);
            if (!list.isEmpty()) {
                seen.putIfAbsent(tp, list.get(0).offset());
            }
        }
        if (stamps != null) {
            stamps.fetched(records);
        }
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    @Override
    public void close() {
    }
}
