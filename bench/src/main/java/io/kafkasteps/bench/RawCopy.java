package io.kafkasteps.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The hand-written raw-copy peer of the reflector: poll up to 1000 records, send each one to the
 * sink cluster as raw bytes (key, value, headers, timestamp), wait until all are acknowledged
 * (acks=all, idempotent), then commit the poll synchronously.
 *
 * <p>args: sourceBrokers sourceTopic sinkBrokers sinkTopic groupId
 */
public final class RawCopy {

    public static void main(String[] args) throws Exception {
        String src = args[0], topic = args[1], dst = args[2], sink = args[3], group = args[4];
        Map<String, Object> cc = Settings.consumer(src, group, Settings.REFLECTOR_MAX_POLL_RECORDS);
        Map<String, Object> pc = Settings.reflectorProducer(dst);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pc, new ByteArraySerializer(), new ByteArraySerializer())) {
            consumer.subscribe(List.of(topic));
            List<Future<RecordMetadata>> pending = new ArrayList<>();
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(1000));
                if (records.isEmpty()) {
                    continue;
                }
                pending.clear();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    pending.add(producer.send(new ProducerRecord<>(sink, null, r.timestamp(), r.key(), r.value(), r.headers())));
                }
                for (Future<RecordMetadata> f : pending) {
                    f.get();
                }
                consumer.commitSync();
            }
        }
    }
}
