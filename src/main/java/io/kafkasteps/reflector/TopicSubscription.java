package io.kafkasteps.reflector;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the reflector's subscription: computes the topic set (fixed or daily) and, when it
 * differs from the current one, stops the reflector route (its delivered batches are committed,
 * an unfinished one stays uncommitted), points its consumer at the new set and starts it again.
 * Topics that do not exist yet are subscribed by an exact-name pattern, so they are picked up when
 * they appear and never auto-created.
 */
public final class TopicSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSubscription.class);

    private final TopicStrategy strategy;
    private final String routeId;
    private final AtomicLong rollovers = new AtomicLong();
    private volatile List<String> current = List.of();
    private MultiGauge topicsGauge;

    public TopicSubscription(String formats, String topics, int changeHour, int lookbackDays, String routeId) {
        this.strategy = TopicStrategy.of(formats, topics, changeHour, lookbackDays);
        this.routeId = routeId;
    }

    public List<String> current() {
        return current;
    }

    /** Times the set changed after the first subscription. */
    public long rollovers() {
        return rollovers.get();
    }

    /** Subscribes to the set of now. */
    public List<String> refresh(CamelContext context) throws Exception {
        return refreshAt(context, Instant.now());
    }

    /** Subscribes to the set of an instant: the Quartz route passes now, tests any instant. */
    public synchronized List<String> refreshAt(CamelContext context, Instant at) throws Exception {
        awaitStarted(context);
        List<String> next = strategy.at(at);
        Route route = context.getRoute(routeId);
        ServiceStatus status = context.getRouteController().getRouteStatus(routeId);
        if (next.equals(current) && status == ServiceStatus.Started) {
            return current;
        }
        if (status != null && status.isStoppable()) {
            context.getRouteController().stopRoute(routeId);
        }
        KafkaEndpoint endpoint = (KafkaEndpoint) route.getEndpoint();
        endpoint.getConfiguration().setTopicIsPattern(true);
        endpoint.getConfiguration().setTopic(pattern(next));
        context.getRouteController().startRoute(routeId);
        if (current.isEmpty()) {
            LOG.info("{}: reading topics {}", routeId, next);
        } else {
            rollovers.incrementAndGet();
            LOG.info("{}: topics {} -> {}", routeId, current, next);
        }
        current = next;
        publish(context);
        return next;
    }

    /** {@code kafka_steps_reflector_topics{topic}} = 1 for each topic read now; rollovers as a counter. */
    private void publish(CamelContext context) {
        MeterRegistry registry = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry == null) {
            return;
        }
        if (topicsGauge == null) {
            topicsGauge = MultiGauge.builder("kafka_steps_reflector_topics")
                    .description("Topics the reflector reads now (1 each)").register(registry);
            FunctionCounter.builder("kafka_steps_reflector_rollovers_total", rollovers, AtomicLong::get)
                    .description("Switches of the reflector's topic set").register(registry);
        }
        topicsGauge.register(current.stream()
                .map(t -> MultiGauge.Row.of(Tags.of("topic", t), 1))
                .collect(Collectors.toList()), true);
    }

    /**
     * The at-start timer may fire while Camel is still starting its routes, and Camel marks a
     * route that is not started automatically only at the end of that: switch after it.
     */
    private static void awaitStarted(CamelContext context) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!context.isStarted() && context.getStatus().isStarting() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** A pattern matching exactly these names. */
    static String pattern(List<String> topics) {
        return topics.stream().map(Pattern::quote).collect(Collectors.joining("|"));
    }
}
