package io.kafkasteps.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what the routes wrote, back from the broker, and prints it: the first split events with
 * their keys, every dead letter with its reason, the first reflected records, and one line per
 * interval with the counts. Outside any consumer group: it never disturbs the routes.
 */
final class Watcher implements AutoCloseable {

    private static final int SAMPLES = 5;
    private static final long INTERVAL_NANOS = Duration.ofSeconds(5).toNanos();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final PrintStream out;
    private final long t0;
    private final Thread thread;
    private volatile boolean running = true;
    private long events;
    private long reflected;
    private long deadLetters;
    private long lastEvents;
    private long lastReflected;
    private long lastDeadLetters;
    private String lastKey;
    private long lastReport = System.nanoTime();

    Watcher(String bootstrap, PrintStream out, long t0) {
        this.consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "client.id", "demo-watcher"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.out = out;
        this.t0 = t0;
        this.thread = new Thread(this::run, "demo-watcher");
        this.thread.setDaemon(true);
    }

    void start() {
        List<TopicPartition> partitions = List.of(Demo.EVENTS, Demo.DEAD_LETTERS, Demo.REFLECTED).stream()
                .map(t -> new TopicPartition(t, 0)).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    switch (r.topic()) {
                        case Demo.EVENTS -> event(r);
                        case Demo.DEAD_LETTERS -> deadLetter(r);
                        default -> reflected(r);
                    }
                }
                if (System.nanoTime() - lastReport >= INTERVAL_NANOS) {
                    report();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            out.println("demo watcher: stopped on " + e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void event(ConsumerRecord<byte[], byte[]> r) {
        events++;
        lastKey = text(r.key());
        if (events == 1) {
            out.printf("demo: first split event on %s %.1fs after the demo started (%.1fs after the JVM started)%n",
                    Demo.EVENTS, Demo.seconds(t0), Demo.secondsSinceJvmStart());
        }
        if (events <= SAMPLES) {
            out.printf("demo:   event  key=%s value=%s%n", lastKey, text(r.value()));
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> r) {
        deadLetters++;
        var reason = r.headers().lastHeader("dlq.reason");
        out.printf("demo:   dead letter  key=%s dlq.reason=%s%n", text(r.key()), reason == null ? null : text(reason.value()));
    }

    private void reflected(ConsumerRecord<byte[], byte[]> r) {
        reflected++;
        if (reflected <= 2) {
            String headers = StreamSupport.stream(r.headers().spliterator(), false)
                    .map(h -> h.key() + "=" + text(h.value())).collect(Collectors.joining(",", "[", "]"));
            out.printf("demo:   reflected  %s key=%s headers=%s value=%s%n", r.topic(), text(r.key()), headers, text(r.value()));
        }
    }

    private void report() {
        long now = System.nanoTime();
        out.printf("demo: on the broker, last %.0fs: %d events (last key %s), %d reflected, %d dead letters;"
                        + " total %d events, %d reflected, %d dead letters%n",
                (now - lastReport) / 1e9, events - lastEvents, lastKey, reflected - lastReflected, deadLetters - lastDeadLetters,
                events, reflected, deadLetters);
        lastEvents = events;
        lastReflected = reflected;
        lastDeadLetters = deadLetters;
        lastReport = now;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, UTF_8);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
