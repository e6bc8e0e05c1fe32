package io.kafkasteps.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class BrokerSmokeIT {
    @Test
    void broker_starts_and_creates_topics() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
            // created once the controller has it; the broker answering listTopics may learn it a moment later
            assertThat(Records.eventually(Duration.ofSeconds(10), () -> listed(admin).contains("t"))).as("the topic is listed").isTrue();
        }
    }

    private static java.util.Set<String> listed(Admin admin) {
        try {
            return admin.listTopics().names().get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
