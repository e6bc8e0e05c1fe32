package io.kafkasteps.faults;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Records produced at a steady rate (a fixed number per tick, on a scheduler: no sleeping), numbered
 * from 0. The producer is idempotent and waits out a broker outage (its records wait in its buffer
 * and are sent when the broker is back), so every record numbered below {@link #sent()} is on the
 * topic once the stream is stopped, each exactly once.
 */
final class SteadyStream implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "steady-stream");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile String topic;

    SteadyStream(String bootstrap) {
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all", "enable.idempotence", true,
                "linger.ms", 5, "max.block.ms", 300_000, "delivery.timeout.ms", 300_000, "request.timeout.ms", 20_000),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Starts sending {@code perTick} records every {@code periodMs} to a topic; value i is {@code value.apply(i)}. */
    SteadyStream start(String topic, int perTick, long periodMs, IntFunction<String> value) {
        this.topic = topic;
        scheduler.scheduleAtFixedRate(() -> {
            for (int k = 0; k < perTick; k++) {
                send(this.topic, value.apply(next.getAndIncrement()));
            }
        }, 0, periodMs, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Sends the following records to another topic (the switch takes effect at the next record). */
    void switchTo(String topic) {
        this.topic = topic;
    }

    private void send(String topic, String value) {
        producer.send(new ProducerRecord<>(topic, value.getBytes(UTF_8)), (md, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else {
                acked.incrementAndGet();
            }
        });
    }

    /** Records acknowledged by the broker so far (in one partition these are records 0 .. acked-1). */
    long acked() {
        return acked.get();
    }

    /** Records handed to the producer so far. */
    int sent() {
        return next.get();
    }

    /** Stops sending and waits until every record sent is acknowledged; returns how many were sent. */
    int stop() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the stream did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("the test's own producer failed: " + failure.get(), failure.get());
        }
        if (acked.get() != next.get()) {
            throw new IllegalStateException("sent " + next.get() + " but " + acked.get() + " acknowledged");
        }
        return next.get();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
