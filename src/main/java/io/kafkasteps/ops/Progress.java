package io.kafkasteps.ops;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a route did: batches split, events and records written, dead letters, tombstones. Logged
 * once per interval in one line, and exposed to Prometheus as {@code kafka_steps_records_in_total},
 * {@code kafka_steps_records_out_total}, {@code kafka_steps_batches_total},
 * {@code kafka_steps_dead_letters_total} and {@code kafka_steps_tombstones_total} (label
 * {@code route}), with the route consumer's lag and commits.
 */
public final class Progress implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    private final String route;
    private final String unit;
    private final String consumerClientId;
    private final LongAdder recordsIn = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder events = new LongAdder();
    private final LongAdder deadLetters = new LongAdder();
    private final LongAdder tombstones = new LongAdder();
    private long lastBatches;
    private long lastEvents;
    private long lastDeadLetters;
    private long lastTombstones;
    private long lastReadAgain;
    private PollsReadAgain readAgain = () -> 0;
    private long lastReportNanos = System.nanoTime();
    private CamelContext context;
    private ConsumerMetrics consumerMetrics;
    private KafkaClients consumers;

    /**
     * @param route            route id, the {@code route} label
     * @param unit             what goes out: {@code events} (a splitter) or {@code records} (a copy)
     * @param consumerClientId client.id of the route's consumer, for its lag and commits
     */
    public Progress(String route, String unit, String consumerClientId) {
        this.route = route;
        this.unit = unit;
        this.consumerClientId = consumerClientId;
    }

    /** A batch record split: the body is the list of its event records, or no list for an empty batch. */
    public void batch(Object sent) {
        recordsIn.increment();
        batches.increment();
        if (sent instanceof List<?> list) {
            events.add(list.size());
        }
    }

    /** A polled batch of records copied one to one. */
    public void copied(Object records) {
        int n = records instanceof List<?> list ? list.size() : 0;
        batches.increment();
        recordsIn.add(n);
        events.add(n);
    }

    public void deadLetter() {
        recordsIn.increment();
        deadLetters.increment();
    }

    public void tombstone() {
        recordsIn.increment();
        tombstones.increment();
    }

    public long batches() {
        return batches.sum();
    }

    public long events() {
        return events.sum();
    }

    public long deadLetters() {
        return deadLetters.sum();
    }

    public long tombstones() {
        return tombstones.sum();
    }

    /** Exactly-once: polls aborted and read again (their records are counted again when they are). */
    public void setReadAgain(PollsReadAgain readAgain) {
        this.readAgain = readAgain;
    }

    /** Logs the interval since the last report in one line, and refreshes the consumer gauges. */
    public synchronized String report() {
        bindMetrics();
        if (consumerMetrics != null) {
            consumerMetrics.refresh();
        }
        long now = System.nanoTime();
        long b = batches(), e = events(), d = deadLetters(), t = tombstones();
        double seconds = Math.max(1e-9, (now - lastReportNanos) / 1e9);
        String extra = unit.equals("events")
                ? String.format(", %d dead letters, %d tombstones", d - lastDeadLetters, t - lastTombstones) : "";
        long r = readAgain.pollsReadAgain();
        if (r > 0) {
            extra += String.format(", %d polls aborted and read again", r - lastReadAgain);
        }
        lastReadAgain = r;
        String line = String.format("%s: %d batches in, %d %s out%s in %.0fs (%.0f %s/s); total %d %s",
                route, b - lastBatches, e - lastEvents, unit, extra, seconds, (e - lastEvents) / seconds, unit, e, unit);
        lastBatches = b;
        lastEvents = e;
        lastDeadLetters = d;
        lastTombstones = t;
        lastReportNanos = now;
        LOG.info(line);
        return line;
    }

    /** Registers the counters once Camel's Prometheus registry exists (metrics may be off: then never). */
    private void bindMetrics() {
        if (consumerMetrics != null || context == null) {
            return;
        }
        MeterRegistry registry = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry == null) {
            return;
        }
        counter(registry, "kafka_steps_records_in_total", "Source records consumed and completed", recordsIn);
        counter(registry, "kafka_steps_records_out_total", "Records written to the sink and acknowledged", events);
        counter(registry, "kafka_steps_batches_total", "Batches completed", batches);
        counter(registry, "kafka_steps_dead_letters_total", "Records sent to the dead-letter topic", deadLetters);
        counter(registry, "kafka_steps_tombstones_total", "Tombstones skipped", tombstones);
        FunctionCounter.builder("kafka_steps_polls_read_again_total", readAgain, PollsReadAgain::pollsReadAgain)
                .description("Polls whose transaction was aborted and that were read again (exactly-once)").tag("route", route).register(registry);
        consumerMetrics = new ConsumerMetrics(registry, route, consumerClientId, consumers);
    }

    private void counter(MeterRegistry registry, String name, String description, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(description).tag("route", route).register(registry);
    }

    /** Where the route's consumer is, for its lag and commit gauges: the Kafka component's client factory. */
    public void setConsumers(KafkaClients consumers) {
        this.consumers = consumers;
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
