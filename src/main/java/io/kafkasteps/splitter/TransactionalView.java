package io.kafkasteps.splitter;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;

/**
 * One endpoint's producer in exactly-once mode: serializes with the endpoint's own serializers
 * and sends the bytes in the poll's transaction ({@link PollTransaction}), so the sink and the
 * dead-letter endpoint keep their settings and share one transaction. camel-kafka calls only
 * {@code send}, {@code close} and {@code metrics}; the transaction methods belong to
 * {@link PollTransaction} and are refused here.
 */
final class TransactionalView implements Producer<Object, Object> {

    private final PollTransaction transaction;
    private final Serializer<Object> keys;
    private final Serializer<Object> values;
    private boolean closed;

    TransactionalView(PollTransaction transaction, Properties endpoint) {
        this.transaction = transaction;
        this.keys = serializer(endpoint, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, true);
        this.values = serializer(endpoint, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, false);
    }

    @SuppressWarnings("unchecked")
    private static Serializer<Object> serializer(Properties endpoint, String key, boolean isKey) {
        Object configured = endpoint.get(key);
        try {
            Serializer<Object> s = configured instanceof Class<?> c ? (Serializer<Object>) Utils.newInstance(c)
                    : (Serializer<Object>) Utils.newInstance(String.valueOf(configured), Serializer.class);
            @SuppressWarnings({"rawtypes"})
            Map config = endpoint;
            s.configure(config, isKey);
            return s;
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(key + " names no class: " + configured, e);
        }
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<Object, Object> record) {
        return send(record, (metadata, e) -> { });
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<Object, Object> record, Callback callback) {
        byte[] key;
        byte[] value;
        try {
            key = keys.serialize(record.topic(), record.headers(), record.key());
            value = values.serialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            callback.onCompletion(null, e);
            return CompletableFuture.failedFuture(e);
        }
        return transaction.send(new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), key, value, record.headers()),
                callback);
    }

    @Override
    public void flush() {
        // the transaction's commit waits for every send
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        throw new UnsupportedOperationException("not used by camel-kafka's producer");
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return Map.of();
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        throw new UnsupportedOperationException("not used by camel-kafka's producer");
    }

    @Override
    public void close() {
        close(Duration.ofMillis(Long.MAX_VALUE));
    }

    @Override
    public synchronized void close(Duration timeout) {
        if (!closed) {
            closed = true;
            keys.close();
            values.close();
            transaction.closed(timeout);
        }
    }

    @Override
    public void initTransactions() {
        throw owned();
    }

    @Override
    public void beginTransaction() {
        throw owned();
    }

    @Override
    @Deprecated
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, String consumerGroupId) {
        throw owned();
    }

    @Override
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata) {
        throw owned();
    }

    @Override
    public void commitTransaction() {
        throw owned();
    }

    @Override
    public void abortTransaction() {
        throw owned();
    }

    private static UnsupportedOperationException owned() {
        return new UnsupportedOperationException("the poll's transaction is PollTransaction's");
    }
}
