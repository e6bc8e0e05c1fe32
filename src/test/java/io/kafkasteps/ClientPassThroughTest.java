package io.kafkasteps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ClientPassThroughTest {

    private static List<String> problems(Map<String, String> given) {
        Checks c = new Checks(Settings.load(Path.of("application.properties"), Map.of(), Map.of()).withCommandLine(given));
        ClientPassThrough.check(c, "splitter.kafka.");
        return c.problems();
    }

    @Test
    void any_kafka_client_property_is_accepted() {
        assertThat(problems(Map.of("splitter.kafka.client.rack", "eu-1", "splitter.kafka.fetch.max.bytes", "1048576",
                "splitter.kafka.ssl.cipher.suites", "TLS_AES_128_GCM_SHA256"))).isEmpty();
    }

    @Test
    void a_property_the_route_sets_itself_is_refused_naming_the_key() {
        assertThat(problems(Map.of("splitter.kafka.enable.auto.commit", "true"))).singleElement().asString()
                .startsWith("splitter.kafka.enable.auto.commit").contains("set by the route itself");
    }

    @Test
    void a_misspelt_property_is_refused_naming_what_it_is_not() {
        assertThat(problems(Map.of("splitter.kafka.client.rak", "eu-1"))).singleElement().asString()
                .contains("names no Kafka client property ('client.rak'");
    }
}
