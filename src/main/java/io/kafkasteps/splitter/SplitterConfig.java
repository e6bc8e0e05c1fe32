package io.kafkasteps.splitter;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.kafkasteps.Checks;
import io.kafkasteps.ClientPassThrough;
import io.kafkasteps.ClientSecurity;
import io.kafkasteps.GroupRewind;
import io.kafkasteps.Route;
import io.kafkasteps.Settings;

/** The batch-to-stream route's settings ({@code splitter.*}): their start-up checks, every problem one line. */
public final class SplitterConfig {

    /** batch-to-stream, as the launcher knows it: {@code routes/batch-to-stream.camel.yaml}. */
    /** Any other Kafka client property of the splitter's cluster goes under this prefix ({@code splitterClientProperties}). */
    static final String CLIENTS = "splitter.kafka.";

    public static final Route ROUTE = new Route("batch-to-stream", SplitterConfig::problems, SplitterConfig::derived,
            SplitterConfig::beforeStart, List.of(CLIENTS));

    private SplitterConfig() {
    }

    /** Settings that follow from others: the SASL settings, and the transactional.id when left empty. */
    public static java.util.Map<String, String> derived(Settings settings) {
        java.util.Map<String, String> derived = ClientSecurity.derived(settings, "splitter");
        if (settings.get("splitter.transactional.id", "").isBlank()) {
            derived.put("splitter.transactional.id", settings.get("splitter.group.id", "batch-to-stream") + "-" + hostName());
        }
        return derived;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /**
     * Once before the route consumes: exactly-once, the topics' record limit against the producer's
     * ({@link TransactionLimits}); {@code --reset} (splitter.reset=true), the group rewound to the
     * earliest offsets.
     */
    static void beforeStart(Settings settings) {
        if ("exactly-once".equals(settings.get("splitter.delivery", "at-least-once"))) {
            TransactionLimits.check(ClientSecurity.connection(settings, "splitter", "splitter.brokers"),
                    Integer.parseInt(settings.get("splitter.producer.max.request.size")), Duration.ofSeconds(15),
                    settings.get("splitter.sink.topic"), settings.get("splitter.dlq.topic"));
        }
        if (Boolean.parseBoolean(settings.get("splitter.reset", "false"))) {
            GroupRewind.toEarliest(ClientSecurity.connection(settings, "splitter", "splitter.brokers"),
                    settings.get("splitter.group.id"), settings.get("splitter.source.topic"), Duration.ofSeconds(30));
        }
    }

    public static List<String> problems(Settings settings) {
        Checks c = new Checks(settings);
        c.brokers("splitter.brokers");
        String source = c.topic("splitter.source.topic", "the topic that holds the batches");
        String sink = c.topic("splitter.sink.topic", "the topic that receives one record per event");
        String dlq = c.topic("splitter.dlq.topic", "the dead-letter topic (default <sink topic>.dlq)");
        c.required("splitter.group.id", "the consumer group");
        c.valid("splitter.batch.path", c.required("splitter.batch.path", "a JSONPath selecting the events, e.g. $.events[*]"),
                BatchShape::new);
        String keyPath = c.value("splitter.key.path");
        if (keyPath != null && !keyPath.isBlank()) {
            c.valid("splitter.key.path", keyPath, BatchShape::compile);
            // The route tests the path as a double-quoted simple literal, once, when it is built.
            c.require(!keyPath.contains("\""), "splitter.key.path", "must not contain a double quote: write $['a b'], not $[\"a b\"]");
        }
        c.bool("splitter.reset");
        c.oneOf("splitter.delivery", "at-least-once", "exactly-once");
        c.eagerAssignor("splitter.delivery", CLIENTS + "partition.assignment.strategy");
        c.positive("splitter.max.poll.records");
        c.positive("splitter.max.poll.interval.ms");
        c.positive("splitter.poll.timeout.ms");
        c.wholeNumber("splitter.session.timeout.ms", 1000, 3_600_000);
        c.wholeNumber("splitter.heartbeat.interval.ms", 100, 3_600_000);
        c.positive("splitter.producer.max.block.ms");
        c.positive("splitter.producer.close.timeout.ms");
        c.positive("splitter.producer.max.request.size");
        c.oneOf("splitter.producer.compression", "none", "gzip", "snappy", "lz4", "zstd");
        c.positive("splitter.retry.initial.delay.ms");
        c.positive("splitter.retry.max.delay.ms");
        c.positive("splitter.progress.interval.ms");
        ClientSecurity.check(c, "splitter");
        ClientPassThrough.check(c, CLIENTS);
        if (source != null && sink != null) {
            c.require(!Objects.equals(source, sink), "splitter.sink.topic",
                    "must differ from splitter.source.topic ('" + source + "'): events would be split again");
        }
        if (dlq != null && (dlq.equals(source) || dlq.equals(sink))) {
            c.problem("splitter.dlq.topic", "must differ from the source and sink topics ('" + dlq + "')");
        }
        return c.problems();
    }
}
