package io.kafkasteps.splitter;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.kafkasteps.testing.BrokerTestBase;

/** One real broker per test class; fresh topics and group per test. */
abstract class SplitterTestBase extends BrokerTestBase {

    static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger RUN = new AtomicInteger();

    record Topics(String source, String sink, String dlq, String group) {

        static Topics fresh() {
            return fresh(true);
        }

        /** @param createSink false leaves the sink topic missing, as an unavailable sink */
        static Topics fresh(boolean createSink) {
            int n = RUN.incrementAndGet();
            Topics t = new Topics("batches-" + n, "events-" + n, "events-" + n + ".dlq", "splitter-" + n);
            records.createTopics(1, t.source, t.dlq);
            if (createSink) {
                records.createTopics(1, t.sink);
            }
            return t;
        }

        Map<String, String> settings(String keyPath) {
            Map<String, String> s = new HashMap<>();
            s.put("splitter.brokers", kafka.bootstrapServers());
            s.put("splitter.source.topic", source);
            s.put("splitter.sink.topic", sink);
            s.put("splitter.group.id", group);
            s.put("splitter.batch.path", "$.events[*]");
            s.put("splitter.key.path", keyPath);
            s.put("splitter.retry.initial.delay.ms", "200");
            s.put("splitter.retry.max.delay.ms", "1000");
            s.put("splitter.poll.timeout.ms", "200");
            s.put("camel.main.inflight-repository-browse-enabled", "true");
            return s;
        }
    }
}
