package io.kafkasteps.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.kafkasteps.testing.AppProcess;
import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Management;
import io.kafkasteps.testing.Records;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rebalance while records are in flight to a slow sink: reflector A reaches the sink through a
 * proxy that delays every byte by 1.5 s, so a backlog's copies are outstanding when reflector B
 * joins the group and takes a partition from A. B reaches the sink directly. Per key, the last
 * record on the sink must be the last record of the source: A's late copies must not land after
 * B's newer ones, so A answers for what it sent before the partition leaves.
 */
class RebalanceInFlightIT {

    static final int KEYS = 20;
    static final Duration SINK_LATENCY = Duration.ofMillis(1500);

    static EmbeddedKafka source;
    static EmbeddedKafka sink;
    static TcpProxy slow;
    static Records src;
    static Records srcOffsets;
    static Records dstOffsets;

    @BeforeAll
    static void brokers() throws Exception {
        source = EmbeddedKafka.start();
        int listener = Management.freePort(), proxyPort = Management.freePort();
        slow = new TcpProxy("slow-sink", proxyPort, listener);
        sink = EmbeddedKafka.startWith(null, Map.of(
                "listeners", "PROXIED://127.0.0.1:" + listener,
                "advertised.listeners", "PROXIED://127.0.0.1:" + proxyPort,
                "listener.security.protocol.map", "PROXIED:PLAINTEXT"));
        src = new Records(source.bootstrapServers());
        srcOffsets = new Records(source.bootstrapServers());
        dstOffsets = new Records(sink.bootstrapServers());
    }

    @AfterAll
    static void close() {
        dstOffsets.close();
        srcOffsets.close();
        src.close();
        sink.close();
        slow.close();
        source.close();
    }

    @Test
    void per_key_the_last_copy_on_the_sink_is_the_last_record_of_the_source_when_a_partition_moves_with_copies_in_flight() throws Exception {
        String topic = "inflight-keys", group = "inflight-reflector";
        src.createTopics(2, topic);
        try (Records dst = new Records(sink.bootstrapServers())) {
            dst.createTopics(2, topic);
        }
        AtomicInteger next = new AtomicInteger();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", source.bootstrapServers(),
                "acks", "all", "enable.idempotence", true, "linger.ms", 5), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 20_000; i++) {
                int n = next.getAndIncrement();
                producer.send(new ProducerRecord<>(topic, "k" + n % KEYS, String.valueOf(n)));
            }
            producer.flush();

            slow.latency(SINK_LATENCY);
            Map<String, String> a = Jar.reflector(source.bootstrapServers(), slow.bootstrapServers(), topic, group);
            Map<String, String> b = Jar.reflector(source.bootstrapServers(), sink.bootstrapServers(), topic, group);
            try (AppProcess first = Jar.start(a, "reflector")) {
                assertThat(Records.eventually(Duration.ofSeconds(90), () -> srcOffsets.committed(group, topic) > 0 || !first.alive()))
                        .as("A copies, slowly: %s", Jar.tail(first.output(), 20)).isTrue();
                // the stream goes on while B joins: B copies newer records of the same keys
                scheduler.scheduleAtFixedRate(() -> {
                    for (int k = 0; k < 10; k++) {
                        int n = next.getAndIncrement();
                        producer.send(new ProducerRecord<>(topic, "k" + n % KEYS, String.valueOf(n)));
                    }
                }, 0, 50, TimeUnit.MILLISECONDS);
                try (AppProcess second = Jar.start(b, "reflector")) {
                    assertThat(Records.eventually(Duration.ofSeconds(90), () -> srcOffsets.membersWithPartitions(group) == 2))
                            .as("B takes a partition: %s", Jar.tail(second.output(), 20)).isTrue();
                    scheduler.shutdown();
                    assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
                    producer.flush();
                    long end = srcOffsets.end(topic);
                    assertThat(Records.eventually(Duration.ofSeconds(120), () -> srcOffsets.committed(group, topic) == end))
                            .as("everything committed: %s", Jar.tail(first.output(), 20) + "\n" + Jar.tail(second.output(), 20)).isTrue();
                    long landed = dstOffsets.settledEnd(topic);   // A's late copies, if any, have landed

                    Map<String, String> lastOnSource = lastPerKey(srcOffsets.readAll(topic));
                    List<ConsumerRecord<byte[], byte[]>> copies = dstOffsets.readAll(topic);
                    Map<String, String> lastOnSink = lastPerKey(copies);
                    Map<String, String> wrong = new TreeMap<>();
                    lastOnSource.forEach((k, v) -> {
                        if (!v.equals(lastOnSink.get(k))) {
                            wrong.put(k, "source " + v + ", sink " + lastOnSink.get(k));
                        }
                    });
                    FaultReport.section("12-rebalance-in-flight", "A partition moves while copies are in flight: reflector",
                            FaultReport.row("records on the source", "copies on the sink", "keys", "keys whose last copy is not the last record")
                                    + "|---|---|---|---|\n"
                                    + FaultReport.row(end, landed, KEYS, wrong.size())
                                    + "\nReflector A reaches the sink through a proxy adding " + SINK_LATENCY.toMillis()
                                    + " ms each way, with a 20,000-record backlog; reflector B joins (direct to the sink) while the stream"
                                    + " goes on (200 records/s), and the stream stops once B owns a partition.\n");
                    String trail = wrong.isEmpty() ? "" : trail(copies, wrong.keySet().iterator().next());
                    assertThat(wrong).as("per key, the last copy on the sink is the last record of the source; copies of the first: %s", trail).isEmpty();
                }
            }
        } finally {
            scheduler.shutdownNow();
        }
    }

    /** The last copies of one key on the sink: partition@offset=value. */
    private static String trail(List<ConsumerRecord<byte[], byte[]>> copies, String key) {
        List<String> of = copies.stream().filter(r -> key.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .map(r -> r.partition() + "@" + r.offset() + "=" + new String(r.value(), StandardCharsets.UTF_8)).toList();
        return of.subList(Math.max(0, of.size() - 40), of.size()).toString();
    }

    private static Map<String, String> lastPerKey(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, String> last = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {   // one partition after another, each in offset order
            last.put(new String(r.key(), StandardCharsets.UTF_8), new String(r.value(), StandardCharsets.UTF_8));
        }
        return last;
    }
}
