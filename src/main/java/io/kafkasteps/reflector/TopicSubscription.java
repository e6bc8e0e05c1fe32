package io.kafkasteps.reflector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>A topic that leaves the set stays subscribed, draining, until {@link TopicDrain} finds the
 * group's committed offsets at its end offsets ({@link #checkDrained}, on a timer); then it is
 * dropped with the same restart, in one INFO line. Without a {@link TopicDrain} it is dropped at once.
 */
public final class TopicSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSubscription.class);

    /** A topic that left the set, read until drained. */
    private static final class Draining {
        /** The group's committed offsets summed when first checked, -1 before; and whether that was as it left. */
        long baseline = -1;
        boolean baselineAtLeaving;
        Instant baselineAt;
        /** Records left to copy at the last check; NaN before the first. */
        double left = Double.NaN;
    }

    private final TopicStrategy strategy;
    private final String routeId;
    private final AtomicLong rollovers = new AtomicLong();
    private volatile List<String> current = List.of();
    private volatile List<String> subscribed = List.of();
    private final Map<String, Draining> draining = new LinkedHashMap<>();
    private TopicDrain drain;
    private boolean checkFailing;
    private MultiGauge topicsGauge;
    private MultiGauge drainingGauge;

    public TopicSubscription(String formats, String topics, int changeHour, int lookbackDays, String routeId) {
        this.strategy = TopicStrategy.of(formats, topics, changeHour, lookbackDays);
        this.routeId = routeId;
    }

    /** Checks whether topics that left the set are drained; none: they are dropped as they leave. */
    public void setDrain(TopicDrain drain) {
        this.drain = drain;
    }

    /** The topic set (the strategy's) last subscribed to. */
    public List<String> current() {
        return current;
    }

    /** Topics that left the set and are read until drained. */
    public synchronized List<String> draining() {
        return List.copyOf(draining.keySet());
    }

    /** What the reflector route reads now: the set and the draining topics. */
    public List<String> subscribed() {
        return subscribed;
    }

    /** Times the set changed after the first subscription. */
    public long rollovers() {
        return rollovers.get();
    }

    /** Subscribes to the set of now. */
    public List<String> refresh(CamelContext context) throws Exception {
        return refreshAt(context, Instant.now());
    }

    /**
     * Subscribes to the set of an instant (the Quartz route passes now, tests any instant) and to
     * the topics that left it and are not drained yet; returns the set.
     */
    public synchronized List<String> refreshAt(CamelContext context, Instant at) throws Exception {
        awaitStarted(context);
        List<String> next = strategy.at(at);
        List<String> previous = current;
        List<String> left = subscribed.stream().filter(t -> !next.contains(t) && !draining.containsKey(t)).toList();
        draining.keySet().removeIf(next::contains);   // back in the set
        if (drain != null && !left.isEmpty()) {
            left.forEach(t -> draining.put(t, new Draining()));
            check(left, true);   // drained already: dropped now; else its count starts here
        }
        current = next;
        subscribe(context, union(next, draining.keySet()));
        if (previous.isEmpty()) {
            LOG.info("{}: reading topics {}", routeId, next);
        } else if (!previous.equals(next)) {
            rollovers.incrementAndGet();
            LOG.info("{}: topics {} -> {}{}", routeId, previous, next, draining.isEmpty() ? ""
                    : "; draining " + draining.keySet() + " (left the set: read until copied to their end offsets)");
        }
        publish(context);
        return next;
    }

    /**
     * Drops the draining topics whose records are all copied (the drain check route calls it);
     * nothing while the reflector route is not running.
     */
    public synchronized void checkDrained(CamelContext context) throws Exception {
        if (draining.isEmpty() || drain == null || !context.isStarted()
                || context.getRouteController().getRouteStatus(routeId) != ServiceStatus.Started) {
            return;
        }
        if (!check(List.copyOf(draining.keySet()), false).isEmpty()) {
            subscribe(context, union(current, draining.keySet()));
        }
        publish(context);
    }

    /** Checks draining topics; logs and forgets the drained ones and returns them. A failed check keeps them all. */
    private List<String> check(List<String> topics, boolean leaving) {
        Map<String, TopicDrain.State> states;
        try {
            states = drain.check(topics);
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (!checkFailing) {
                LOG.warn("{}: cannot check whether {} are copied to their end, kept subscribed, trying again: {}", routeId, topics,
                        io.kafkasteps.ops.ReadinessHold.describe(cause));
            }
            checkFailing = true;
            return List.of();
        }
        checkFailing = false;
        List<String> dropped = new ArrayList<>();
        states.forEach((topic, state) -> {
            Draining d = draining.get(topic);
            if (d.baseline < 0) {
                d.baseline = state.committed();
                d.baselineAtLeaving = leaving;
                d.baselineAt = Instant.now();
            }
            d.left = state.left();
            if (state.drained()) {
                draining.remove(topic);
                dropped.add(topic);
                String since = String.format(Locale.ROOT, "%,d records since %s", Math.max(0, state.committed() - d.baseline),
                        d.baselineAtLeaving ? "it left the set" : d.baselineAt);
                LOG.info("{}: {} {}, dropped from the subscription", routeId, topic,
                        state.exists() ? "drained (" + since + ")" : "is not on the source (nothing to copy)");
            }
        });
        return dropped;
    }

    /** Points the reflector route at these topics: stopped, the pattern set, started; nothing when it reads them already. */
    private void subscribe(CamelContext context, List<String> topics) throws Exception {
        ServiceStatus status = context.getRouteController().getRouteStatus(routeId);
        if (Set.copyOf(topics).equals(Set.copyOf(subscribed)) && status == ServiceStatus.Started) {
            subscribed = topics;
            return;
        }
        Route route = context.getRoute(routeId);
        if (status != null && status.isStoppable()) {
            context.getRouteController().stopRoute(routeId);
        }
        KafkaEndpoint endpoint = (KafkaEndpoint) route.getEndpoint();
        endpoint.getConfiguration().setTopicIsPattern(true);
        endpoint.getConfiguration().setTopic(pattern(topics));
        context.getRouteController().startRoute(routeId);
        subscribed = topics;
    }

    private static List<String> union(List<String> set, Collection<String> more) {
        Set<String> all = new LinkedHashSet<>(set);
        all.addAll(more);
        return List.copyOf(all);
    }

    /**
     * {@code kafka_steps_reflector_topics{topic}} = 1 for each topic read now (the set and the
     * draining ones), {@code kafka_steps_reflector_draining_topics{topic}} = records left to copy of
     * each draining one (at the last check; NaN before it); rollovers as a counter.
     */
    private void publish(CamelContext context) {
        MeterRegistry registry = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry == null) {
            return;
        }
        if (topicsGauge == null) {
            topicsGauge = MultiGauge.builder("kafka_steps_reflector_topics")
                    .description("Topics the reflector reads now, its set and those draining (1 each)").register(registry);
            drainingGauge = MultiGauge.builder("kafka_steps_reflector_draining_topics")
                    .description("Records left to copy of each topic that left the set and is read until drained").register(registry);
            FunctionCounter.builder("kafka_steps_reflector_rollovers_total", rollovers, AtomicLong::get)
                    .description("Switches of the reflector's topic set").register(registry);
        }
        topicsGauge.register(subscribed.stream()
                .map(t -> MultiGauge.Row.of(Tags.of("topic", t), 1))
                .collect(Collectors.toList()), true);
        drainingGauge.register(draining.entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("topic", e.getKey()), e.getValue().left))
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
