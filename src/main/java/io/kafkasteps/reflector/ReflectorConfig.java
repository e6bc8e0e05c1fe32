package io.kafkasteps.reflector;

import java.util.List;

import io.kafkasteps.Checks;
import io.kafkasteps.ClientPassThrough;
import io.kafkasteps.ClientSecurity;
import io.kafkasteps.Route;
import io.kafkasteps.Settings;

/** The reflector's settings ({@code reflector.*}, set by the ALeRCE reflector's environment): start-up checks and what follows from them. */
public final class ReflectorConfig {

    /** The reflector, as the launcher knows it: {@code routes/reflector.camel.yaml}; nothing to do before it starts. */
    /** Any other Kafka client property of the source (consumer) and of the sink (producer) goes under these prefixes. */
    static final String SOURCE_CLIENTS = "reflector.consumer.kafka.";
    static final String SINK_CLIENTS = "reflector.producer.kafka.";

    public static final Route ROUTE = new Route("reflector", ReflectorConfig::problems, ReflectorConfig::derived, settings -> { },
            List.of(SOURCE_CLIENTS, SINK_CLIENTS));

    private ReflectorConfig() {
    }

    public static List<String> problems(Settings settings) {
        Checks c = new Checks(settings);
        c.brokers("reflector.consumer.server");
        c.required("reflector.consumer.group.id", "the consumer group");
        c.positive("reflector.consume.timeout");
        c.positive("reflector.poll.timeout.ms");
        c.positive("reflector.consume.messages");
        c.oneOf("reflector.on.gap", "continue", "stop");
        c.oneOf("reflector.delivery", "at-least-once", "exactly-once");
        if ("exactly-once".equals(c.value("reflector.delivery"))) {
            c.topic("reflector.offsets.topic", "the sink topic that keeps the source offsets of an exactly-once copy");
            c.required("reflector.transactional.id.prefix", "the prefix of each source partition's transactional.id");
            c.eagerAssignor("reflector.delivery", SOURCE_CLIENTS + "partition.assignment.strategy");
        }
        c.wholeNumber("reflector.session.timeout.ms", 1000, 3_600_000);
        c.wholeNumber("reflector.heartbeat.interval.ms", 100, 3_600_000);
        c.wholeNumber("reflector.drain.check.interval.ms", 100, 86_400_000);
        topicChecks(c);
        copyChecks(c);
        return c.problems();
    }

    /**
     * The checks --verify needs: both clusters, the topics and how they are copied; no consumer
     * group (it reads with its own, group-less consumers).
     */
    public static List<String> verifyProblems(Settings settings) {
        Checks c = new Checks(settings);
        c.brokers("reflector.consumer.server");
        topicChecks(c);
        copyChecks(c);
        if (c.value("reflector.verify.timeout.ms") != null) {
            c.wholeNumber("reflector.verify.timeout.ms", 100, 3_600_000);
        }
        return c.problems();
    }

    /** Kafka client properties (bootstrap servers, security) of the source cluster, as the route's consumer has them. */
    public static java.util.Map<String, Object> sourceClient(Settings settings) {
        return ClientSecurity.connection(settings, "reflector.consumer", "reflector.consumer.server");
    }

    /** Kafka client properties (bootstrap servers, security) of the sink cluster, as the route's reflectorSink bean has them. */
    public static java.util.Map<String, Object> sinkClient(Settings settings) {
        return ClientSecurity.connection(settings, "reflector.producer", "reflector.producer.server");
    }

    private static void copyChecks(Checks c) {
        c.brokers("reflector.producer.server");
        String topic = c.value("reflector.producer.topic");
        if (topic != null && !topic.isEmpty()) {
            c.topic("reflector.producer.topic", "");
        }
        c.bool("reflector.keep.original.timestamp");
        c.bool("reflector.keep.partition");
        c.positive("reflector.max.in.flight.bytes");
        c.positive("reflector.producer.close.timeout.ms");
        ClientSecurity.check(c, "reflector.consumer");
        ClientSecurity.check(c, "reflector.producer");
        ClientPassThrough.check(c, SOURCE_CLIENTS);
        ClientPassThrough.check(c, SINK_CLIENTS);
    }

    /** Settings that follow from others: the SASL settings of each side, the source's isolation level (from reflector.delivery). */
    public static java.util.Map<String, String> derived(Settings settings) {
        java.util.Map<String, String> derived = new java.util.LinkedHashMap<>();
        derived.putAll(ClientSecurity.derived(settings, "reflector.consumer"));
        derived.putAll(ClientSecurity.derived(settings, "reflector.producer"));
        derived.put("reflector.consumer.isolation.level", isolation(settings));
        return derived;
    }

    /** How the source is read (and a copy verified): only committed records when the copy is exactly once, as MirrorMaker 2 does. */
    public static String isolation(Settings settings) {
        return "exactly-once".equals(settings.get("reflector.delivery", "at-least-once")) ? "read_committed" : "read_uncommitted";
    }

    /** The checks --print-topics needs: only the topic settings. */
    public static List<String> topicProblems(Settings settings) {
        Checks c = new Checks(settings);
        topicChecks(c);
        return c.problems();
    }

    /** The strategy the settings describe; call after the checks passed. */
    public static TopicStrategy strategy(Settings settings) {
        return TopicStrategy.of(settings.get("reflector.topic.strategy.format", ""), settings.get("reflector.consumer.topics", ""),
                Integer.parseInt(settings.get("reflector.topic.strategy.change.hour", "23")),
                Integer.parseInt(settings.get("reflector.topic.strategy.lookback.days", "1")));
    }

    private static void topicChecks(Checks c) {
        String formats = c.value("reflector.topic.strategy.format");
        String topics = c.value("reflector.consumer.topics");
        Long hour = c.wholeNumber("reflector.topic.strategy.change.hour", 0, 23);
        Long lookback = c.wholeNumber("reflector.topic.strategy.lookback.days", 0, 366);
        if (formats != null && !formats.isEmpty()) {
            if (hour != null && lookback != null) {
                c.valid("reflector.topic.strategy.format", formats, f -> TopicStrategy.daily(f, hour.intValue(), lookback.intValue()));
            }
        } else if (topics != null && !topics.isEmpty()) {
            c.valid("reflector.consumer.topics", topics, TopicStrategy::fixed);
        } else if (formats != null && topics != null) {
            c.problem("reflector.topic.strategy.format",
                    "or reflector.consumer.topics (env " + c.envOf("reflector.consumer.topics") + ") is required: the topics to copy");
        }
    }
}
