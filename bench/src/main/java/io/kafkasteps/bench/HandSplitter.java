package io.kafkasteps.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The hand-written splitter peer: the same semantics as batch-to-stream, in a plain loop. Poll,
 * parse every batch with Jackson (the application's strict mapper settings), send every event of
 * $.events with its $.id key and the batch's headers, wait until the sink acknowledged all of
 * them (acks=all, idempotent), then commit the poll synchronously.
 *
 * <p>args: brokers sourceTopic sinkTopic groupId
 */
public final class HandSplitter {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    public static void main(String[] args) throws Exception {
        String brokers = args[0], source = args[1], sink = args[2], group = args[3];
        Map<String, Object> cc = Settings.consumer(brokers, group, Settings.SPLITTER_MAX_POLL_RECORDS);
        Map<String, Object> pc = Settings.splitterProducer(brokers);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pc, new StringSerializer(), new ByteArraySerializer())) {
            consumer.subscribe(List.of(source));
            List<Future<RecordMetadata>> pending = new ArrayList<>();
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(1000));
                if (records.isEmpty()) {
                    continue;
                }
                pending.clear();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    JsonNode root = MAPPER.readTree(r.value());
                    JsonNode events = root.get("events");
                    for (JsonNode event : events) {
                        JsonNode id = event.get("id");
                        String key = id == null || id.isNull() ? null : id.isTextual() ? id.textValue() : MAPPER.writeValueAsString(id);
                        byte[] value = MAPPER.writeValueAsBytes(event);
                        pending.add(producer.send(new ProducerRecord<>(sink, null, key, value, r.headers())));
                    }
                }
                for (Future<RecordMetadata> f : pending) {
                    f.get(); // every event acknowledged (fails the loop otherwise: nothing committed)
                }
                consumer.commitSync();
            }
        }
    }
}
