package io.kafkasteps.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.kafkasteps.testing.BrokerTestBase;
import io.kafkasteps.testing.Records;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/** The readiness check against consumers of a real broker. */
class KafkaReadinessIT extends BrokerTestBase {

    private static final String CLIENT_ID = "readiness-consumer";

    /*
     * A renewed consumer (PollRetry restarts the route after a refused login) shares its
     * predecessor's client.id; the old one may close after the new one started. Seen in CI: the
     * splitter copied everything again, and readiness said "has not joined its group yet" forever.
     */
    @Test
    void stays_ready_when_the_consumer_it_replaced_closes_after_the_new_one_joined() {
        records.createTopics(1, "readiness-in");
        KafkaClients clients = new KafkaClients();
        KafkaReadiness readiness = new KafkaReadiness("readiness", CLIENT_ID, Map.of("bootstrap.servers", kafka.bootstrapServers()));
        readiness.setConsumers(clients);
        try {
            Consumer<?, ?> replaced = joined(clients, "readiness-old");
            assertThat(Records.eventually(Duration.ofSeconds(30), () -> state(readiness) == HealthCheck.State.UP))
                    .as("ready once the first consumer joined: %s", message(readiness)).isTrue();
            Consumer<?, ?> renewed = joined(clients, "readiness-new");
            replaced.close();
            assertThat(Records.eventually(Duration.ofSeconds(10), () -> state(readiness) == HealthCheck.State.UP))
                    .as("ready with the renewed consumer: %s", message(readiness)).isTrue();
            renewed.close();
        } finally {
            readiness.close();
        }
    }

    @Test
    void is_not_ready_before_the_consumer_joined() {
        KafkaClients clients = new KafkaClients();
        KafkaReadiness readiness = new KafkaReadiness("readiness", "never-made", Map.of("bootstrap.servers", kafka.bootstrapServers()));
        readiness.setConsumers(clients);
        try {
            assertThat(state(readiness)).isEqualTo(HealthCheck.State.DOWN);
            assertThat(message(readiness)).isEqualTo("consumer never-made has not joined its group yet");
        } finally {
            readiness.close();
        }
    }

    /** A consumer made by the factory, as camel makes it, polled until it joined its group. */
    private static Consumer<?, ?> joined(KafkaClients clients, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Consumer<?, ?> consumer = clients.getConsumer(p);
        consumer.subscribe(List.of("readiness-in"));
        assertThat(Records.eventually(Duration.ofSeconds(30), () -> {
            consumer.poll(Duration.ofMillis(100));
            return !consumer.assignment().isEmpty();
        })).as("%s joined", group).isTrue();
        return consumer;
    }

    private static HealthCheck.State state(KafkaReadiness readiness) {
        return result(readiness).getState();
    }

    private static String message(KafkaReadiness readiness) {
        return result(readiness).getMessage().orElse("");
    }

    private static HealthCheck.Result result(KafkaReadiness readiness) {
        HealthCheckResultBuilder builder = HealthCheckResultBuilder.on(readiness);
        readiness.doCall(builder, Map.of());
        return builder.build();
    }
}
