package io.kafkasteps.bench;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The input topics on broker A, written before the peers run (a backlog): batch records of JSON
 * events for the splitter, records of random bytes for the reflector. Also the batch JSON the
 * latency load sends.
 */
final class Inputs {

    /** One event's compact JSON. */
    static final int EVENT_BYTES = 300;
    /** One event's key on the splitter's sink: "ev-" and 12 digits. */
    static final int EVENT_KEY_BYTES = 15;
    /** One reflector record's key: "k-" and 14 digits. */
    static final int RAW_KEY_BYTES = 16;
    static final int[] BATCH_SIZES = {10, 100, 1000};

    private Inputs() {
    }

    /** Writes {@code events} events to {@code topic} in batch records of {@code batch} events. */
    static void batches(String topic, long events, int batch) {
        long records = (events + batch - 1) / batch;
        long ev = 0;
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            for (long i = 0; i < records; i++) {
                int n = (int) Math.min(batch, events - ev);
                byte[] value = batchJson(i, n, ev);
                ev += n;
                p.send(new ProducerRecord<>(topic, null, ("batch-" + i).getBytes(StandardCharsets.UTF_8), value,
                        new RecordHeaders().add("source", "bench".getBytes(StandardCharsets.UTF_8))));
            }
            p.flush();
        }
    }

    /** One batch: {"batch":batchId,"events":[...]} with {@code n} events of exactly EVENT_BYTES bytes each, from {@code firstEvent} on. */
    static byte[] batchJson(long batchId, int n, long firstEvent) {
        StringBuilder sb = new StringBuilder(n * (EVENT_BYTES + 1) + 40);
        sb.append("{\"batch\":").append(batchId).append(",\"events\":[");
        for (int j = 0; j < n; j++) {
            if (j > 0) {
                sb.append(',');
            }
            long e = firstEvent + j;
            int start = sb.length();
            sb.append(String.format(Locale.ROOT,
                    "{\"id\":\"ev-%012d\",\"seq\":%d,\"ts\":%d,\"ra\":%.6f,\"dec\":%.6f,\"mag\":%.3f,\"flags\":[1,2,3],\"payload\":\"",
                    e, e, 1_700_000_000_000L + e, (e % 360000) / 1000.0, ((e % 180000) - 90000) / 1000.0, 15 + (e % 7000) / 1000.0));
            while (sb.length() - start < EVENT_BYTES - 2) {
                sb.append((char) ('a' + (sb.length() % 26)));
            }
            sb.append("\"}");
        }
        sb.append("]}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Writes {@code n} records of {@code size} random bytes to {@code topic}. */
    static void raw(String topic, long n, int size) {
        Random random = new Random(7);
        byte[][] values = new byte[64][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new byte[size];
            random.nextBytes(values[i]);
        }
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            for (long i = 0; i < n; i++) {
                byte[] key = String.format("k-%014d", i).getBytes(StandardCharsets.UTF_8);
                p.send(new ProducerRecord<>(topic, null, key, values[(int) (i % values.length)],
                        new RecordHeaders().add("source", "bench".getBytes(StandardCharsets.UTF_8))));
            }
            p.flush();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", Brokers.A);
        m.put("acks", "1");
        m.put("linger.ms", "20");
        m.put("batch.size", "1048576");
        m.put("max.request.size", "8388608");
        m.put("buffer.memory", "134217728");
        return new KafkaProducer<>(m, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
