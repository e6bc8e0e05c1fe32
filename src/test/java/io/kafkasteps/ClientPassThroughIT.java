package io.kafkasteps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import io.kafkasteps.testing.BrokerTestBase;
import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.RouteSettings;
import io.kafkasteps.testing.RunningApp;
import io.kafkasteps.testing.SeenClients;
import org.junit.jupiter.api.Test;

/** Any Kafka client property, given by a connection's prefix, reaches that connection's clients. */
class ClientPassThroughIT extends BrokerTestBase {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String REPORTER = SeenClients.class.getName();

    @Test
    void a_property_under_splitter_kafka_reaches_the_splitters_consumer_and_producer() {
        records.createTopics(1, "pass-batches", "pass-events", "pass-events.dlq");
        Map<String, String> s = RouteSettings.splitter(kafka.bootstrapServers(), "pass-batches", "pass-events", "pass");
        s.put("splitter.kafka.client.rack", "rack-7");
        s.put("splitter.kafka.metric.reporters", REPORTER);
        records.send("pass-batches", "b1", "{\"events\":[{\"id\":1},{\"id\":2}]}");
        try (RunningApp app = RunningApp.start(s, "batch-to-stream")) {
            assertThat(Records.values(records.read("pass-events", 2, WAIT))).containsExactly("{\"id\":1}", "{\"id\":2}");
            assertThat(SeenClients.configOf("pass-consumer")).containsEntry("client.rack", "rack-7").containsEntry("group.id", "pass");
            assertThat(SeenClients.configOf("pass-producer")).containsEntry("client.rack", "rack-7");
        }
    }

    @Test
    void properties_under_the_reflectors_two_prefixes_reach_its_consumer_and_its_producer_apart() {
        records.createTopics(1, "pass-alerts", "pass-copies");
        Map<String, String> s = RouteSettings.reflector(kafka.bootstrapServers(), kafka.bootstrapServers(), "pass-alerts", "pass-refl");
        s.put("reflector.producer.topic", "pass-copies");
        s.put("reflector.consumer.kafka.metric.reporters", REPORTER);
        s.put("reflector.consumer.kafka.client.rack", "source-rack");
        s.put("reflector.producer.kafka.metric.reporters", REPORTER);
        s.put("reflector.producer.kafka.compression.type", "gzip");
        records.send("pass-alerts", "a1", "alert");
        try (RunningApp app = RunningApp.start(s, "reflector")) {
            assertThat(Records.values(records.read("pass-copies", 1, WAIT))).containsExactly("alert");
            assertThat(SeenClients.configOf("pass-refl-consumer")).containsEntry("client.rack", "source-rack")
                    .doesNotContainKey("compression.type");
            assertThat(SeenClients.configOf("pass-refl-producer")).containsEntry("compression.type", "gzip")
                    .doesNotContainKey("client.rack");
        }
    }
}
