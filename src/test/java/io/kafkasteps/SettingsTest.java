package io.kafkasteps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @TempDir
    Path dir;

    private Settings load(String properties, Map<String, String> env) throws Exception {
        Path file = dir.resolve("application.properties");
        Files.writeString(file, properties);
        return Settings.load(file, env, Map.of());
    }

    @Test
    void environment_overrides_the_file_by_the_upper_case_name() throws Exception {
        Settings s = load("splitter.source.topic=a\nsplitter.group.id=g\n", Map.of("SPLITTER_SOURCE_TOPIC", "b"));
        assertThat(s.get("splitter.source.topic")).isEqualTo("b");
        assertThat(s.get("splitter.group.id")).isEqualTo("g");
        assertThat(s.get("not.there")).isNull();
    }

    @Test
    void placeholders_resolve_keys_defaults_and_the_environment() throws Exception {
        Settings s = load("""
                sink=events
                dlq={{sink}}.dlq
                fallback={{missing:plan-b}}
                server={{env:CONSUMER_SERVER:localhost:9092}}
                """, Map.of("SINK", "overridden"));
        assertThat(s.get("dlq")).isEqualTo("overridden.dlq");
        assertThat(s.get("fallback")).isEqualTo("plan-b");
        assertThat(s.get("server")).isEqualTo("localhost:9092");
    }

    @Test
    void a_client_property_set_only_in_the_environment_is_a_setting_under_its_connections_prefix() throws Exception {
        Settings s = load("splitter.group.id=g\n", Map.of("SPLITTER_KAFKA_CLIENT_RACK", "eu-west-1a",
                "REFLECTOR_CONSUMER_KAFKA_FETCH_MAX_BYTES", "1048576", "REFLECTOR_PRODUCER_KAFKA_BUFFER_MEMORY", "1000",
                "SPLITTER_GROUP_ID", "h", "OTHER_KAFKA_X", "y"));
        assertThat(s.get("splitter.kafka.client.rack")).isEqualTo("eu-west-1a");
        assertThat(s.get("reflector.consumer.kafka.fetch.max.bytes")).isEqualTo("1048576");
        assertThat(s.get("reflector.producer.kafka.buffer.memory")).isEqualTo("1000");
        assertThat(s.keys()).containsExactly("reflector.consumer.kafka.fetch.max.bytes", "reflector.producer.kafka.buffer.memory",
                "splitter.group.id", "splitter.kafka.client.rack");
        assertThat(s.get("splitter.group.id")).isEqualTo("h");
    }

    @Test
    void command_line_wins_over_environment() throws Exception {
        Settings s = load("a=file\n", Map.of("A", "env")).withCommandLine(Map.of("a", "cli"));
        assertThat(s.get("a")).isEqualTo("cli");
    }

    @Test
    void unresolvable_placeholder_says_which() throws Exception {
        Settings s = load("a={{b}}\n", Map.of());
        assertThatThrownBy(() -> s.get("a")).hasMessage("property b is not set");
    }

    @Test
    void missing_file_falls_back_to_the_packaged_copy() {
        Settings s = Settings.load(dir.resolve("nope.properties"), Map.of(), Map.of());
        assertThat(s.source()).isEqualTo("classpath:application.properties");
        assertThat(s.get("splitter.group.id")).isEqualTo("batch-to-stream");
    }
}
