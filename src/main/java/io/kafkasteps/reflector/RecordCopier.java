package io.kafkasteps.reflector;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import io.kafkasteps.ops.KeepOwned;
import io.kafkasteps.ops.RouteStopping;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies polled records to the sink cluster exactly as they are (key, value, every header in
 * order with duplicates, the timestamp, as raw bytes) and commits their source offsets once the
 * sink acknowledged them. Java because Camel's Kafka producer maps headers through a
 * case-insensitive map (losing order, duplicates and {@code kafka.*} names) and its endpoint
 * waits for each exchange; YAML cannot keep sends outstanding across polls.
 *
 * <p>Pipelined: a poll's records are sent and the next poll is fetched while their
 * acknowledgements are outstanding. Each poll first commits, per partition, up to the first record
 * not yet acknowledged ({@link InFlightRecords}); when the consumer has caught up (no lag on any
 * partition it owns) or the records in flight exceed {@code maxInFlightBytes}, it waits for the
 * sink and commits at once. A failed send fails the exchange, so the route's error handler retries
 * it with backoff, and the consumer reads the failed record and every later one of its partition
 * again, in order (the source holds them, not memory); nothing is committed past a record the sink
 * has not acknowledged. A stop waits
 * for outstanding sends at most {@code closeTimeoutMs}, also while the sink is down.
 */
public final class RecordCopier implements Processor, io.kafkasteps.ops.PollRetry.TakenPositions {

    private static final Logger LOG = LoggerFactory.getLogger(RecordCopier.class);
    private static final String SENT = "kafkaSteps.copySent";

    private final Map<String, Object> config = new HashMap<>();
    private final Map<String, Object> clientProperties = new HashMap<>();
    private final InFlightRecords inFlight = new InFlightRecords();
    private String topic;
    private boolean keepTimestamp = true;
    private boolean keepPartition;
    private long maxInFlightBytes = 32L * 1024 * 1024;
    private long closeTimeoutMs = 5000;
    private KafkaProducer<byte[], byte[]> producer;
    private Consumer<?, ?> consumer;
    private volatile boolean abandoned;
    private long retryInitialDelayMs = 500;
    private long retryMaxDelayMs = 30_000;
    private RetryBackoff backoff;
    private CamelContext context;
    private String routeId;
    private final Map<TopicPartition, Long> committedUpTo = new HashMap<>();
    private final Map<String, Object> sinkConnection = new HashMap<>();
    private boolean exactlyOnce;
    private String transactionalIdPrefix;
    private String offsetsTopic;
    private TransactionalCopy transactional;
    private boolean gauged;

    /** Kafka producer properties; any client property may be added. */
    public Map<String, Object> getConfig() {
        return config;
    }

    public void setConfig(Map<String, Object> config) {
        this.config.putAll(config);
    }

    /** The sink cluster: its bootstrap servers and security, as the Kafka component describing it has them. */
    public void setSink(org.apache.camel.component.kafka.KafkaComponent sink) {
        this.config.putAll(io.kafkasteps.ClientSecurity.connection(sink));
        this.sinkConnection.putAll(io.kafkasteps.ClientSecurity.connection(sink));
    }

    /** {@code reflector.delivery}: at-least-once (pipelined) or exactly-once ({@link TransactionalCopy}). */
    public void setDelivery(String delivery) {
        this.exactlyOnce = "exactly-once".equals(delivery);
    }

    /** Exactly-once: the prefix of each source partition's transactional.id. */
    public void setTransactionalIdPrefix(String prefix) {
        this.transactionalIdPrefix = prefix;
    }

    /** Exactly-once: the topic on the sink that keeps the source offsets. */
    public void setOffsetsTopic(String offsetsTopic) {
        this.offsetsTopic = offsetsTopic;
    }

    /** Any other producer property, passed through by prefix ({@code ClientPassThrough}); it wins over {@code config}. */
    public void setClientProperties(Map<String, Object> clientProperties) {
        this.clientProperties.putAll(clientProperties);
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

    /** Bytes (keys and values) sent and not yet acknowledged before a poll waits for the sink. */
    public void setMaxInFlightBytes(long maxInFlightBytes) {
        this.maxInFlightBytes = maxInFlightBytes;
    }

    /** Backoff of a record the sink did not acknowledge, read and sent again: first delay (ms). */
    public void setRetryInitialDelayMs(long ms) {
        retryInitialDelayMs = ms;
    }

    /** Backoff of a record the sink did not acknowledge: longest delay (ms). */
    public void setRetryMaxDelayMs(long ms) {
        retryMaxDelayMs = ms;
    }

    /** Longest wait of the producer's close for outstanding sends at shutdown (ms). */
    public void setCloseTimeoutMs(long closeTimeoutMs) {
        this.closeTimeoutMs = closeTimeoutMs;
    }

    public void start() {
        Map<String, Object> props = io.kafkasteps.ClientSecurity.withoutBlanks(config);
        props.putAll(io.kafkasteps.ClientSecurity.withoutBlanks(clientProperties));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        backoff = new RetryBackoff(retryInitialDelayMs, retryMaxDelayMs);
        if (exactlyOnce) {
            Map<String, Object> connection = io.kafkasteps.ClientSecurity.withoutBlanks(sinkConnection);
            connection.putAll(io.kafkasteps.ClientSecurity.withoutBlanks(clientProperties));
            transactional = new TransactionalCopy(props, transactionalIdPrefix, new SinkOffsets(connection, offsetsTopic),
                    Duration.ofMillis(Math.max(closeTimeoutMs, 30_000)));
            return;
        }
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Closes the producer within the close timeout, also while the sink is down: what is not acknowledged is not committed. */
    public void stop() {
        if (transactional != null) {
            transactional.close(Duration.ofMillis(closeTimeoutMs));
        }
        if (producer != null) {
            // after a stop that already waited its close timeout for the sink, close at once
            producer.close(abandoned ? Duration.ZERO : Duration.ofMillis(closeTimeoutMs));
            producer = null;
        }
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        List<?> batch = exchange.getMessage().getBody(List.class);
        if (batch == null || batch.isEmpty()) {
            return;
        }
        context = exchange.getContext();
        routeId = exchange.getFromRouteId();
        if (!gauged && transactional == null) {
            gauged = gauges(context, routeId);
        }
        Consumer<?, ?> polledBy = KeepOwned.consumerOf(((Exchange) batch.get(0)).getMessage());
        if (transactional != null) {
            copyExactlyOnce(exchange, batch, polledBy);
            return;
        }
        if (polledBy != consumer) {
            // The route started again (a new topic set, a restart): the new consumer reads from the committed
            // offsets, so what the old one had in flight is read again. Let it land, then forget it.
            abandoned = false;   // a stop that gave up on the old consumer's sends is over
            awaitSink(exchange);
            inFlight.clear();
            committedUpTo.clear();
            consumer = polledBy;
        }
        settle(exchange);
        if (exchange.getProperty(SENT) == null) {
            for (Object item : batch) {
                Message m = ((Exchange) item).getMessage();
                ProducerRecord<byte[], byte[]> record = toRecord(m);
                TopicPartition source = new TopicPartition(m.getHeader(KafkaConstants.TOPIC, String.class),
                        m.getHeader(KafkaConstants.PARTITION, Integer.class));
                int bytes = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
                send(record, inFlight.add(source, m.getHeader(KafkaConstants.OFFSET, Long.class), bytes));
            }
            exchange.setProperty(SENT, Boolean.TRUE);
        }
        if (caughtUp() || inFlight.bytes() > maxInFlightBytes) {
            awaitSink(exchange);
            settle(exchange);
        }
    }

    /**
     * What is in flight, for an operator watching a slow or lost sink (and for tests waiting on it):
     * {@code kafka_steps_reflector_in_flight_records} and {@code _bytes} (keys and values). At least
     * once only: exactly-once copies each poll in transactions that end before the next poll.
     * Returns whether they are registered (a context without a meter registry has none).
     */
    private boolean gauges(CamelContext context, String route) {
        MeterRegistry registry = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry == null) {
            return false;
        }
        Gauge.builder("kafka_steps_reflector_in_flight_records", inFlight, InFlightRecords::size)
                .description("Records sent to the sink and not yet acknowledged").tag("route", route).register(registry);
        Gauge.builder("kafka_steps_reflector_in_flight_bytes", inFlight, InFlightRecords::bytes)
                .description("Bytes (keys and values) sent to the sink and not yet acknowledged").tag("route", route).register(registry);
        return true;
    }

    /**
     * Exactly-once: the poll copied in one transaction per source partition (its copies and its
     * offset kept on the sink), then the group's offsets follow. A partition whose transaction
     * failed, or that is not synced with the sink yet, is synced (set back to its kept offset)
     * before its records are copied; until then the exchange fails and the route's error handler
     * retries it with backoff. Records of a partition synced during this call were fetched before
     * its rewind: they are read again, not copied.
     */
    private void copyExactlyOnce(Exchange exchange, List<?> batch, Consumer<?, ?> polledBy) throws Exception {
        if (polledBy != consumer) {
            consumer = polledBy;   // a new consumer: its assignment synced its partitions
            committedUpTo.clear();
        }
        io.kafkasteps.ops.FetchStamps stamps = io.kafkasteps.ops.FetchStamps.of(consumer);
        if (!transactional.unsynced().isEmpty()) {
            if (transactional.sync(consumer)) {
                if (stamps != null) {
                    stamps.rewound();   // this batch and any held one were fetched before the rewind: read again
                    batch.forEach(item -> stamps.current(((Exchange) item).getMessage()));   // forgotten
                }
                return;
            }
            throw notSynced();
        }
        if (exchange.getProperty(SENT) != null) {
            return;
        }
        exchange.setProperty(SENT, Boolean.TRUE);
        List<Message> records = new java.util.ArrayList<>();
        for (Object item : batch) {
            Message m = ((Exchange) item).getMessage();
            if (stamps == null || stamps.current(m)) {
                records.add(m);   // else fetched before the last rewind or rebalance: read again
            }
        }
        Map<TopicPartition, Long> copied = transactional.copy(TransactionalCopy.parts(records, RecordCopier::sourceOf,
                m -> m.getHeader(KafkaConstants.OFFSET, Long.class), this::toRecord));
        commit(copied);
        if (!transactional.unsynced().isEmpty()) {
            transactional.unsync(consumer.assignment());   // every partition read again from its kept offset: held records are stale too
            throw notSynced();
        }
    }

    private IllegalStateException notSynced() {
        Exception failure = transactional.lastFailure();
        return new IllegalStateException("exactly-once: " + transactional.unsynced() + " not copied, read again once synced with the sink: "
                + (failure == null ? "" : failure.getMessage()), failure);
    }

    private static TopicPartition sourceOf(Message m) {
        return new TopicPartition(m.getHeader(KafkaConstants.TOPIC, String.class), m.getHeader(KafkaConstants.PARTITION, Integer.class));
    }

    /** Partitions lost (the session expired): exactly-once, their producers are closed; at least once, nothing to do here. */
    void lost(Collection<TopicPartition> partitions) {
        if (transactional != null) {
            transactional.revoked(partitions);
        }
    }

    /** Exactly-once: partitions assigned (inside poll, before the first fetch) read on from the offsets kept on the sink. */
    void assigned(Consumer<?, ?> by, Collection<TopicPartition> partitions) {
        if (transactional != null && !partitions.isEmpty()) {
            transactional.assigned(by, partitions);
        }
    }

    /**
     * Waits until the sink answered every record sent. While the route or Camel stops, it waits at
     * most the close timeout, then leaves what is unanswered uncommitted (read again at the next
     * start), so a stop during a sink outage ends within the shutdown timeout.
     */
    private void awaitSink(Exchange exchange) throws Exception {
        if (!answeredOrStopped(exchange.getContext(), exchange.getFromRouteId())) {
            throw new IllegalStateException("stopping: " + inFlight.size()
                    + " records the sink has not acknowledged are left uncommitted, read again at the next start");
        }
    }

    /**
     * Waits until the sink answered every record sent (true), or, once the route or Camel stops,
     * at most the close timeout (false: the producer is then closed at once).
     */
    private boolean answeredOrStopped(CamelContext context, String routeId) throws InterruptedException {
        long stopping = -1;
        while (!abandoned && !inFlight.awaitAnswers(100)) {   // a stop that already waited its close timeout waits no more
            if (RouteStopping.of(context, routeId)) {
                stopping = stopping < 0 ? System.nanoTime() : stopping;
                if (System.nanoTime() - stopping > TimeUnit.MILLISECONDS.toNanos(closeTimeoutMs)) {
                    abandoned = true;
                }
            }
        }
        return !abandoned;
    }

    /**
     * Commits what the sink acknowledged. After a failed send: once the sink answered everything
     * outstanding, commits the acknowledged prefix, points the consumer back at the failed record
     * of each partition (it and every later one are read and sent again, in order) and fails, so
     * the route's error handler backs off before the copy goes on.
     */
    private void settle(Exchange exchange) throws Exception {
        inFlight.retainOnly(consumer.assignment());
        Exception failure = inFlight.firstFailure();
        if (failure != null) {
            awaitSink(exchange);
            failure = inFlight.firstFailure();
            Map<TopicPartition, Long> rewind = inFlight.rewindFromFirstFailure();
            commit(inFlight.takeCommittable());
            rewind.forEach(consumer::seek);
            // Each retry is a new poll, so the error handler's backoff starts over each time: back off here, per record.
            RouteStopping.pause(exchange.getContext(), exchange.getFromRouteId(), backoff.next(rewind));
            throw new IllegalStateException("the sink did not acknowledge records; read again from " + rewind + ": " + failure.getMessage(), failure);
        }
        commit(inFlight.takeCommittable());
    }

    /** Per partition: the offset after the last record sent (or, with none in flight, committed), where a poll retried in place reads on. */
    @Override
    public Map<TopicPartition, Long> takenUpTo() {
        Map<TopicPartition, Long> taken = new HashMap<>(committedUpTo);
        taken.putAll(inFlight.nextOffsets());
        return taken;
    }

    /**
     * Partitions leaving this instance (a rebalance, or the route's unsubscribe at a stop), on the
     * consumer's thread inside {@code poll}, before their new owner reads them: waits until the
     * sink answered every record in flight and commits what it acknowledged, so the new owner
     * starts after it and no copy of this instance lands after one of the new owner's (per key,
     * the last copy on the sink stays the last record of the source). What the sink refused is
     * forgotten here and read again by the new owner. While the route stops the wait is bounded by
     * the close timeout.
     */
    void revoked(Consumer<?, ?> by, Collection<TopicPartition> partitions) {
        if (transactional != null) {
            transactional.revoked(partitions);   // nothing is in flight between polls
            committedUpTo.keySet().removeAll(partitions);
            return;
        }
        if (by != consumer || partitions.isEmpty()) {
            return;
        }
        int outstanding = inFlight.size();
        long waiting = System.nanoTime();
        try {
            answeredOrStopped(context, routeId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<TopicPartition, Long> acknowledged = inFlight.takeCommittable();
        commit(acknowledged);
        java.util.Set<TopicPartition> kept = new java.util.HashSet<>(consumer.assignment());
        kept.removeAll(partitions);
        inFlight.retainOnly(kept);
        committedUpTo.keySet().retainAll(kept);
        LOG.info("partitions {} leave this instance: {} records were in flight, answered in {} ms; committed {}",
                partitions, outstanding, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waiting), acknowledged);
    }

    /** A send that fails at once (the producer closed, a record it refuses) fails its entry like a refused one. */
    private void send(ProducerRecord<byte[], byte[]> record, InFlightRecords.Entry entry) {
        try {
            producer.send(record, entry);
        } catch (RuntimeException e) {
            entry.onCompletion(null, e);
        }
    }

    private void commit(Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        offsets.forEach((tp, offset) -> commits.put(tp, new OffsetAndMetadata(offset)));
        try {
            consumer.commitSync(commits);
            committedUpTo.putAll(offsets);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            LOG.warn("commit of {} refused after a rebalance; its new owner reads those records again: {}", commits.keySet(), e.getMessage());
        }
    }

    /** No lag on any partition the consumer reads (a paused one reads nothing): nothing more is coming now, so wait for the sink and commit. */
    private boolean caughtUp() {
        java.util.Set<TopicPartition> paused = consumer.paused();
        for (TopicPartition tp : consumer.assignment()) {
            if (paused.contains(tp)) {
                continue;
            }
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent() && lag.getAsLong() > 0) {
                return false;
            }
        }
        return true;
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
