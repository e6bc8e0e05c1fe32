package io.kafkasteps.reflector;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Copies one polled batch of records to the sink cluster exactly as they are: key, value, every
 * header in order (duplicates included) and the timestamp, as raw bytes. Camel's Kafka producer
 * maps headers through a case-insensitive map, which loses order, duplicates and {@code kafka.*}
 * names; this sends each record's original Kafka headers instead. All records are sent before
 * any is waited for (pipelined); the batch completes only when the sink acknowledged every one,
 * and fails with the first error otherwise, so its offsets are never committed past a loss.
 */
public final class RecordCopier implements Processor {

    private final Map<String, Object> config = new HashMap<>();
    private String topic;
    private boolean keepTimestamp = true;
    private boolean keepPartition;
    private KafkaProducer<byte[], byte[]> producer;
    private final LongAdder records = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    /** Kafka producer properties; any client property may be added. */
    public Map<String, Object> getConfig() {
        return config;
    }

    public void setConfig(Map<String, Object> config) {
        this.config.putAll(config);
    }

    /** All records go to this topic; blank keeps each record's source topic. */
    public void setTopic(String topic) {
        this.topic = topic == null || topic.isBlank() ? null : topic.trim();
    }

    public void setKeepTimestamp(boolean keepTimestamp) {
        this.keepTimestamp = keepTimestamp;
    }

    public void setKeepPartition(boolean keepPartition) {
        this.keepPartition = keepPartition;
    }

    public void start() {
        Map<String, Object> props = new HashMap<>();
        config.forEach((k, v) -> {
            if (v != null && !v.toString().isBlank()) {
                props.put(k, v);
            }
        });
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public void stop() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }

    public long records() {
        return records.sum();
    }

    public long bytes() {
        return bytes.sum();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        List<?> batch = exchange.getMessage().getBody(List.class);
        if (batch == null || batch.isEmpty()) {
            return;
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        long size = 0;
        for (Object item : batch) {
            ProducerRecord<byte[], byte[]> record = toRecord(((Exchange) item).getMessage());
            size += (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
            });
        }
        // Waits until every record above is acknowledged or has failed (bounded by delivery.timeout.ms).
        producer.flush();
        if (failure.get() != null) {
            throw failure.get();
        }
        records.add(batch.size());
        bytes.add(size);
    }

    ProducerRecord<byte[], byte[]> toRecord(Message m) {
        String target = topic != null ? topic : m.getHeader(KafkaConstants.TOPIC, String.class);
        Integer partition = keepPartition ? m.getHeader(KafkaConstants.PARTITION, Integer.class) : null;
        Long timestamp = keepTimestamp ? m.getHeader(KafkaConstants.TIMESTAMP, Long.class) : null;
        byte[] key = m.getHeader(KafkaConstants.KEY, byte[].class);
        byte[] value = m.getBody(byte[].class);
        Headers original = m.getHeader(KafkaConstants.HEADERS, Headers.class);
        Headers headers = original == null ? new RecordHeaders() : new RecordHeaders(original.toArray());
        return new ProducerRecord<>(target, partition, timestamp, key, value, headers);
    }
}
