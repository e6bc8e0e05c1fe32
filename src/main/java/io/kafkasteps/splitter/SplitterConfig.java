package io.kafkasteps.splitter;

import java.util.List;
import java.util.Objects;

import io.kafkasteps.Checks;
import io.kafkasteps.ClientSecurity;
import io.kafkasteps.Settings;

/** Start-up checks of the batch-to-stream settings: every problem, one line each. */
public final class SplitterConfig {

    private SplitterConfig() {
    }

    /** Settings that follow from others: the SASL settings. */
    public static java.util.Map<String, String> derived(Settings settings) {
        return ClientSecurity.derived(settings, "splitter");
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
