package io.kafkasteps.splitter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import io.kafkasteps.ops.FetchStamps;
import io.kafkasteps.ops.KeepOwned;
import io.kafkasteps.ops.RouteStopping;
import io.kafkasteps.ops.ReadinessHold;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once delivery of batch-to-stream ({@code splitter.delivery=exactly-once}): a poll is one
 * Kafka transaction, holding its events, its dead letters and its source offsets (sent with the
 * consumer's group metadata, so an instance that lost its partitions cannot commit). The route's
 * two producers (sink and dead letters) are views onto one transactional producer, made by the
 * client factory ({@code KafkaClients}); the transaction begins at the poll's first send and
 * commits at {@code splitterCommits}. Any failure of a poll aborts its transaction and the poll is
 * read again from its first records, after a backoff ({@link #readAgain}); a consumer of the sink
 * with {@code isolation.level=read_committed} sees each event once.
 *
 * <p>Why Java: camel-kafka's own transactions ({@code transacted=true}) give each endpoint its own
 * producer and transaction, commit at the end of the exchange without the consumer's offsets
 * (there is no {@code sendOffsetsToTransaction} option) and close the producer on any Kafka error,
 * so the sink, the dead letters and the offsets of one poll cannot share one transaction there.
 * In at-least-once mode (the default) every method here does nothing.
 */
public final class PollTransaction implements Processor, ReadinessHold, io.kafkasteps.ops.PollsReadAgain {

    private static final Logger LOG = LoggerFactory.getLogger(PollTransaction.class);

    /** The poll's transaction: none yet, open (sends went into it), failed (abort it), or done for this poll. */
    private enum State { NONE, OPEN, FAILED, COMMITTING, DOOMED }

    private final boolean enabled;
    private final String transactionalId;
    private final String sinkClientId;
    private final long initialDelayMs;
    private final long maxDelayMs;
    private java.util.function.Consumer<Map<TopicPartition, OffsetAndMetadata>> onCommitted = offsets -> { };

    private Properties sinkProperties;
    private KafkaProducer<byte[], byte[]> producer;
    private boolean initialized;
    private State state = State.NONE;
    private volatile Exception failure;
    private volatile boolean poisoned;   // a send of the open transaction failed
    private volatile long generation;    // of the open transaction: a late callback of an aborted one is not this one's failure
    private volatile Instant failingSince;
    private int attempt;
    private int views;
    private final java.util.concurrent.atomic.AtomicLong readAgainTotal = new java.util.concurrent.atomic.AtomicLong();
    private Map<TopicPartition, OffsetAndMetadata> committing = Map.of();

    /**
     * @param delivery        {@code splitter.delivery}: at-least-once or exactly-once
     * @param transactionalId the shared producer's transactional.id: stable per instance
     * @param sinkClientId    client.id of the sink's producer, whose settings the shared producer takes
     * @param initialDelayMs  first delay before a failed poll is read again
     * @param maxDelayMs      longest delay, doubling from the first
     */
    public PollTransaction(String delivery, String transactionalId, String sinkClientId, long initialDelayMs, long maxDelayMs) {
        this.enabled = "exactly-once".equals(delivery);
        this.transactionalId = transactionalId;
        this.sinkClientId = sinkClientId;
        this.initialDelayMs = initialDelayMs;
        this.maxDelayMs = maxDelayMs;
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * The route's first step: a new poll, whose transaction begins at its first send. Records
     * fetched before the consumer was last set back or rebalanced are left out: they are read again.
     */
    @Override
    public synchronized void process(Exchange exchange) {
        if (!enabled) {
            return;
        }
        List<?> polled = exchange.getMessage().getBody(List.class);
        FetchStamps stamps = FetchStamps.of(consumerOf(polled));
        if (stamps != null) {
            exchange.getMessage().setBody(polled.stream().filter(r -> stamps.current(((Exchange) r).getMessage()))
                    .collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new)));
        }
        if (state == State.OPEN || state == State.FAILED) {
            abortQuietly();   // a poll that ended without a commit or a read-again (should not happen)
        }
        if (state != State.COMMITTING) {
            state = State.NONE;
            poisoned = false;
        }
    }

    /** A producer for one of the route's endpoints: a view onto the shared transactional producer. */
    public synchronized Producer<Object, Object> producerFor(Properties endpointProperties) {
        if (sinkClientId.equals(endpointProperties.getProperty(ProducerConfig.CLIENT_ID_CONFIG)) || sinkProperties == null) {
            sinkProperties = endpointProperties;
        }
        views++;
        return new TransactionalView(this, endpointProperties);
    }

    /** Sends a serialized record in the poll's transaction; a failure fails the transaction. */
    synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        try {
            if (poisoned && state == State.OPEN) {
                state = State.FAILED;
            }
            if (state == State.FAILED || state == State.DOOMED || state == State.COMMITTING) {
                throw new KafkaException("this poll's transaction failed (" + ReadinessHold.describe(failure) + "); the poll is read again");
            }
            open();
            long of = generation;
            return producer.send(record, (metadata, e) -> {
                if (e != null && of == generation) {
                    failed(e);
                }
                callback.onCompletion(metadata, e);
            });
        } catch (Exception e) {
            if (state == State.OPEN || state == State.NONE) {
                state = State.FAILED;
            }
            failed(e);
            callback.onCompletion(null, e);
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Commits the poll: its offsets, sent with the consumer's group metadata, and everything it
     * sent, in one transaction. Nothing to commit after a read-again.
     *
     * @return whether the poll was committed
     * @throws Exception why the transaction failed: the route reads the poll again
     */
    public synchronized boolean commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) throws Exception {
        if (state == State.DOOMED) {
            return false;
        }
        if (poisoned || state == State.FAILED) {
            state = State.FAILED;
            throw failure;
        }
        try {
            open();   // a poll that sent nothing (tombstones) commits its offsets too
            producer.sendOffsetsToTransaction(offsets, group);
        } catch (Exception e) {
            state = State.FAILED;
            failure = e;
            throw e;
        }
        committing = offsets;
        try {
            producer.commitTransaction();   // waits for every send of the poll
            committed();
            return true;
        } catch (TimeoutException e) {
            state = State.COMMITTING;   // the outcome is unknown: the commit is retried, never aborted
            failure = e;
            throw e;
        } catch (Exception e) {
            state = State.FAILED;
            failure = e;
            throw e;
        }
    }

    /**
     * The exactly-once error handler's step: aborts the poll's transaction (a commit that timed out
     * is finished instead) and sets the consumer back to the poll's first records, after a backoff
     * that doubles with each failed poll in a row; the poll is then read again. The rest of the poll
     * sends and commits nothing. A producer in a state it cannot leave (fenced, an authentication
     * failure) is closed, and made again for the next poll.
     */
    public void readAgain(Exchange exchange) throws InterruptedException {
        if (!enabled) {
            return;
        }
        synchronized (this) {
            if (state == State.DOOMED) {
                return;   // this poll was set back already: its later steps fail fast to here
            }
            Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
            if (cause != null) {
                failure = cause;
            }
            if (failingSince == null) {
                failingSince = Instant.now();
            }
        }
        while (true) {
            int n;
            synchronized (this) {
                n = ++attempt;
            }
            long delay = Math.min(maxDelayMs, initialDelayMs << Math.min(30, n - 1));
            LOG.warn("batch-to-stream: a poll's transaction failed ({}), attempt {}; aborted, the poll is read again in {} ms",
                    ReadinessHold.describe(failure), n, delay);
            RouteStopping.pause(exchange.getContext(), exchange.getFromRouteId(), delay);
            if (RouteStopping.of(exchange.getContext(), exchange.getFromRouteId())) {
                return;   // stopping: the poll stays uncommitted, read again at the next start
            }
            Boolean committedAfterAll = resolve();
            if (committedAfterAll != null) {
                if (!committedAfterAll) {
                    setBack(exchange);
                    readAgainTotal.incrementAndGet();
                }
                return;
            }
        }
    }

    /** Ends the poll's transaction: false once aborted, true if a commit that timed out went through after all, null if not yet. */
    private synchronized Boolean resolve() {
        try {
            if (state == State.COMMITTING) {
                producer.commitTransaction();
                committed();
                state = State.DOOMED;   // nothing more of this poll is sent
                return true;
            }
            if (producer != null && initialized && (state == State.OPEN || state == State.FAILED)) {
                producer.abortTransaction();
            }
            state = State.DOOMED;
            poisoned = false;
            return false;
        } catch (TimeoutException e) {
            failure = e;
            return null;   // the cluster did not answer: tried again after the next delay
        } catch (Exception e) {
            if (e instanceof ProducerFencedException) {
                LOG.error("batch-to-stream: another producer took transactional.id '{}': splitter.transactional.id must differ per instance",
                        transactionalId);
            }
            LOG.warn("batch-to-stream: the transactional producer cannot go on ({}); a new one is made", ReadinessHold.describe(e));
            closeProducer(Duration.ZERO);
            state = State.DOOMED;
            poisoned = false;
            return false;
        }
    }

    /**
     * The consumer back at the committed offset of every partition it holds (the last committed
     * transaction is the truth), and every record fetched before dropped when it reaches the route
     * ({@link FetchStamps}): camel holds the next poll's records already. When the committed
     * offsets cannot be read, the failure ends the exchange unhandled and camel reconnects the
     * consumer, which also reads on from them.
     */
    private static void setBack(Exchange exchange) {
        Consumer<?, ?> consumer = consumerOf(exchange.getProperty("polled", List.class));
        if (consumer == null) {
            return;
        }
        var assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned, Duration.ofSeconds(30));
        List<TopicPartition> fromStart = new java.util.ArrayList<>();
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata c = committed.get(tp);
            if (c == null) {
                fromStart.add(tp);   // nothing committed: from the earliest, as the group starts
            } else {
                consumer.seek(tp, c.offset());
            }
        }
        if (!fromStart.isEmpty()) {
            consumer.seekToBeginning(fromStart);
        }
        FetchStamps stamps = FetchStamps.of(consumer);
        if (stamps != null) {
            stamps.rewound();
        }
    }

    private static Consumer<?, ?> consumerOf(List<?> polled) {
        return polled == null || polled.isEmpty() ? null : KeepOwned.consumerOf(((Exchange) polled.get(0)).getMessage());
    }

    @Override
    public long pollsReadAgain() {
        return readAgainTotal.get();
    }

    @Override
    public String holdReason() {
        Instant since = failingSince;
        return since == null ? null : "exactly-once: polls fail since " + since + " (attempt " + attempt + ", read again with backoff): " + ReadinessHold.describe(failure);
    }

    /** A view closed: the shared producer is closed with the last one. */
    synchronized void closed(Duration timeout) {
        if (--views <= 0) {
            views = 0;
            closeProducer(timeout);
        }
    }

    private void open() {
        if (producer == null) {
            Properties p = new Properties();
            p.putAll(sinkProperties);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(p);
            initialized = false;
        }
        if (!initialized) {
            try {
                producer.initTransactions();   // aborts what an earlier run with this transactional.id left open
            } catch (TimeoutException e) {
                throw new TimeoutException("the sink cluster started no transaction within max.block.ms: is its transaction state log"
                        + " (__transaction_state) writable (transaction.state.log.replication.factor and min.isr within the brokers)?", e);
            } catch (RuntimeException e) {
                closeProducer(Duration.ZERO);   // a producer whose start failed otherwise (authorization, login) stays failed: made again next time
                throw e;
            }
            initialized = true;
        }
        if (state == State.NONE) {
            producer.beginTransaction();
            generation++;
            state = State.OPEN;
        }
    }

    /** Told the offsets of each committed poll (where a poll retried in place reads on). */
    public void onCommitted(java.util.function.Consumer<Map<TopicPartition, OffsetAndMetadata>> listener) {
        this.onCommitted = listener;
    }

    private void committed() {
        onCommitted.accept(committing);
        committing = Map.of();
        state = State.NONE;
        poisoned = false;
        failure = null;
        failingSince = null;
        attempt = 0;
    }

    /** A send failed (on the producer's thread, so without the lock: a send may hold it while it waits for the producer). */
    private void failed(Exception e) {
        if (!poisoned) {
            failure = e;
        }
        poisoned = true;
    }

    private void abortQuietly() {
        try {
            if (producer != null && initialized) {
                producer.abortTransaction();
            }
        } catch (Exception e) {
            closeProducer(Duration.ZERO);
        }
    }

    private void closeProducer(Duration timeout) {
        if (producer != null) {
            try {
                producer.close(timeout);
            } catch (Exception e) {
                LOG.debug("closing the transactional producer: {}", e.toString());
            }
            producer = null;
            initialized = false;
        }
    }

}
