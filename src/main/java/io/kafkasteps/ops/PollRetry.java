package io.kafkasteps.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.kafka.PollExceptionStrategy;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failed poll of the source (READ or group permission lost, any other error the Kafka client
 * raises from {@code poll}) is retried in place with exponential backoff, forever, with one WARN
 * line per attempt, and holds readiness DOWN with the reason while it lasts. The consumer stays in
 * its group: no leave and join per failure, so the other instances do not rebalance over and over,
 * and consumption resumes by itself once the source answers. A refused login (credentials rotated,
 * a certificate expired) gets the same backoff and then a new consumer ({@link #renewConsumer}).
 *
 * <p><b>Why Java.</b> camel-kafka 4.17's {@code pollOnError} choices, read in its source: RECONNECT
 * closes and recreates the consumer at once (a group leave and join per failed poll, no delay) and
 * treats an {@code AuthenticationException} as final (the consumer thread ends while the route
 * stays Started); RETRY polls again at once, from a position past the records camel's batching
 * consumer held when the poll failed (it hands a poll's records over when the next poll returns,
 * and drops them when that poll throws), so they would be skipped. This strategy, set as the
 * component's {@code pollExceptionStrategy}, waits out its backoff and then points every partition
 * back at the first record the route has not taken ({@link TakenPositions}, or where its polls
 * started: {@link PolledOffsets}), without a broker call: after an authentication failure the
 * Kafka client's offset lookups rethrow the old failure until a poll has connected again.
 *
 * <p>An offset off the source log ({@code InvalidOffsetException}: the reflector's
 * {@code auto.offset.reset=none}) is no infrastructure failure: it goes at once to
 * {@link OffsetsOffTheLog}, which reports the gap.
 */
public final class PollRetry implements PollExceptionStrategy, ReadinessHold, CamelContextAware {

    /** Per partition, the offset after the last record the route took (sent, or committed): read again from there. */
    public interface TakenPositions {
        Map<TopicPartition, Long> takenUpTo();
    }

    /** Partitions whose position is off the source log, found by a poll, handled on the consumer's thread. */
    public interface OffsetsOffTheLog {
        void offTheLog(Consumer<?, ?> consumer, Collection<TopicPartition> partitions);
    }

    private static final Logger LOG = LoggerFactory.getLogger(PollRetry.class);
    /** After its backoff, a retried poll that fails again does so within this; none means it worked. */
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String route;
    private final long initialDelayMs;
    private final long maxDelayMs;
    private KafkaClients consumers;
    private TakenPositions taken;
    private OffsetsOffTheLog offTheLog;
    private CamelContext context;
    private volatile String reason;
    private volatile long failingUntil = System.nanoTime();
    private volatile int failures;
    private volatile Instant since;
    private final java.util.concurrent.atomic.AtomicBoolean renewing = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param route          route id: starts the log lines, and a stop of it ends a wait
     * @param initialDelayMs first delay before polling again (ms)
     * @param maxDelayMs     longest delay (ms)
     */
    public PollRetry(String route, long initialDelayMs, long maxDelayMs) {
        this.route = route;
        this.initialDelayMs = initialDelayMs;
        this.maxDelayMs = maxDelayMs;
    }

    /** The component's client factory: gives this the consumer of the failing thread. */
    public void setConsumers(KafkaClients consumers) {
        this.consumers = consumers;
    }

    public void setTaken(TakenPositions taken) {
        this.taken = taken;
    }

    public void setOffTheLog(OffsetsOffTheLog offTheLog) {
        this.offTheLog = offTheLog;
    }

    @Override
    public boolean canContinue() {
        return true;   // never reconnect, never end the consumer thread: retried here, in place
    }

    /** On the consumer's thread, after its poll threw. */
    @Override
    public void handle(long partitionLastOffset, Exception exception) {
        KafkaClients.Made made = consumers == null ? null : consumers.ofThisThread();
        if (made == null) {
            throw new IllegalStateException(route + ": the poll retry has no consumer: set the component's kafkaClientFactory to its KafkaClients");
        }
        if (exception instanceof InvalidOffsetException invalid && offTheLog != null) {
            try {
                readAgain(made);
                offTheLog.offTheLog(made.consumer(), invalid.partitions());
                return;
            } catch (RuntimeException e) {
                exception = e;   // could not look the offsets up: an infrastructure failure after all
            }
        }
        boolean renew = DeliveryRetry.authentication(exception);
        long delay = failed(exception);
        LOG.warn("{}: polling the source failed ({}), {} in a row; {} in {} ms, from the first record not yet taken",
                route, reason, failures, renew ? "a new consumer" : "polling again", delay);
        try {
            RouteStopping.pause(context, route, delay);
            if (RouteStopping.of(context, route)) {
                return;   // the consumer is closed next; nothing taken after the failure was committed
            }
            if (renew) {
                renewConsumer();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        readAgain(made);
    }

    /**
     * After a refused login the Kafka consumer may never connect again by itself (seen in 3.9.1
     * once its group session expired: every later poll rethrows the old failure without trying),
     * so the route is restarted, from another thread, and its new consumer starts from the
     * committed offsets; this thread waits until the route stops it.
     */
    private void renewConsumer() throws InterruptedException {
        if (renewing.compareAndSet(false, true)) {
            Thread restart = new Thread(() -> {
                try {
                    context.getRouteController().stopRoute(route);
                    context.getRouteController().startRoute(route);
                } catch (Exception e) {
                    LOG.warn("{}: could not restart the route for a new consumer: {}", route, e.getMessage());
                } finally {
                    renewing.set(false);
                }
            }, route + "-new-consumer");
            restart.setDaemon(true);
            restart.start();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!RouteStopping.of(context, route) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** Why the route is not ready: its polls fail; null once a poll after the backoff did not. */
    @Override
    public String holdReason() {
        if (System.nanoTime() - failingUntil >= 0) {
            return null;
        }
        return "polling the source fails since " + since + " (" + failures + " in a row, retried with backoff): " + reason;
    }

    private synchronized long failed(Exception e) {
        long now = System.nanoTime();
        if (now - failingUntil >= 0) {
            failures = 0;
            since = Instant.now();
        }
        failures++;
        long delay = Math.min(maxDelayMs, initialDelayMs << Math.min(30, failures - 1));
        reason = ReadinessHold.describe(e);
        failingUntil = now + TimeUnit.MILLISECONDS.toNanos(delay) + GRACE_NANOS;
        return delay;
    }

    /**
     * Each partition read (not paused) back to the first record the route has not taken: after
     * the last one it took, or where its polls started if it took none. Local: no broker call,
     * so it works while the broker refuses the consumer.
     */
    private void readAgain(KafkaClients.Made made) {
        Consumer<?, ?> consumer = made.consumer();
        Map<TopicPartition, Long> takenUpTo = taken == null ? Map.of() : taken.takenUpTo();
        Set<TopicPartition> paused = consumer.paused();
        for (TopicPartition tp : consumer.assignment()) {
            Long at = takenUpTo.containsKey(tp) ? takenUpTo.get(tp) : made.firstPolled().get(tp);
            if (at == null || paused.contains(tp)) {
                continue;   // nothing polled: nothing held
            }
            Long position;
            try {
                position = consumer.position(tp, Duration.ZERO);
            } catch (RuntimeException e) {
                position = null;   // none (off the log, being reset): set it
            }
            if (position == null || at < position) {
                consumer.seek(tp, at);
            }
        }
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }
}
