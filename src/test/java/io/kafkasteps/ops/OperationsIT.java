package io.kafkasteps.ops;

import static io.kafkasteps.testing.Management.freePort;
import static io.kafkasteps.testing.Management.get;
import static io.kafkasteps.testing.Management.metric;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.kafkasteps.testing.BrokerTestBase;
import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.RunningApp;
import org.junit.jupiter.api.Test;

/** Health, readiness and metrics, scraped over HTTP from the management port. */
class OperationsIT extends BrokerTestBase {

    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void readiness_follows_group_membership_and_the_sink_and_metrics_count_what_was_delivered() throws Exception {
        records.createTopics(2, "ops-batches", "ops-events", "ops-events.dlq");
        int port = freePort();
        Map<String, String> s = new HashMap<>();
        s.put("splitter.brokers", kafka.bootstrapServers());
        s.put("splitter.source.topic", "ops-batches");
        s.put("splitter.sink.topic", "ops-events");
        s.put("splitter.group.id", "ops");
        s.put("splitter.batch.path", "$.events[*]");
        s.put("splitter.key.path", "$.id");
        s.put("splitter.progress.interval.ms", "500");
        s.put("splitter.retry.max.delay.ms", "1000");
        s.put("camel.management.port", String.valueOf(port));
        try (RunningApp app = RunningApp.start(s, "batch-to-stream")) {
            assertThat(get(port, "/observe/health/live").status()).isEqualTo(200);
            assertThat(Records.eventually(WAIT, () -> get(port, "/observe/health/ready").status() == 200))
                    .as("ready once the consumer joined: %s", get(port, "/observe/health/ready").body()).isTrue();
            assertThat(get(port, "/observe/health/ready").body()).contains("batch-to-stream-ready");

            records.send("ops-batches", null, "{\"events\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}]}");
            records.send("ops-batches", null, "not json");
            assertThat(records.read("ops-events", 3, WAIT)).hasSize(3);
            assertThat(Records.eventually(WAIT, () -> {
                String body = get(port, "/observe/metrics").body();
                return metric(body, "kafka_steps_records_out_total", "route=\"batch-to-stream\"") == 3
                        && metric(body, "kafka_steps_dead_letters_total", "route=\"batch-to-stream\"") == 1
                        && metric(body, "kafka_steps_records_in_total", "route=\"batch-to-stream\"") == 2;
            })).as("counters: %s", get(port, "/observe/metrics").body().lines()
                    .filter(l -> l.startsWith("kafka_steps")).toList()).isTrue();
            assertThat(Records.eventually(WAIT, () -> {
                String body = get(port, "/observe/metrics").body();
                return metric(body, "kafka_steps_consumer_lag", "topic=\"ops-batches\"") == 0
                        && metric(body, "kafka_steps_consumer_commits", "route=\"batch-to-stream\"") >= 1;
            })).as("lag per partition and commits").isTrue();
            String metrics = get(port, "/observe/metrics").body();
            assertThat(metrics).contains("jvm_memory_used_bytes").contains("camel_exchanges_total");

            kafka.stop();
            try {
                assertThat(Records.eventually(WAIT, () -> get(port, "/observe/health/ready").status() == 503))
                        .as("not ready while the broker is down").isTrue();
                assertThat(get(port, "/observe/health/live").status()).as("still alive").isEqualTo(200);
            } finally {
                kafka.restart();
            }
            assertThat(Records.eventually(WAIT, () -> get(port, "/observe/health/ready").status() == 200))
                    .as("ready again: %s", get(port, "/observe/health/ready").body()).isTrue();
        }
    }
}
