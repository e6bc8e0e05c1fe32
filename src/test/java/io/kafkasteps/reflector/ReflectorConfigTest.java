package io.kafkasteps.reflector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import io.kafkasteps.Settings;
import org.junit.jupiter.api.Test;

class ReflectorConfigTest {

    private static Settings settings(Map<String, String> env) {
        return Settings.load(Path.of("application.properties"), env, Map.of());
    }

    @Test
    void username_and_password_turn_a_side_to_sasl_ssl_scram_512() {
        Settings s = settings(Map.of("PRODUCER_USERNAME", "al\"ice", "PRODUCER_PASSWORD", "s3cr\\et"));
        Map<String, String> derived = ReflectorConfig.derived(s);
        assertThat(s.get("reflector.producer.sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
        assertThat(derived).containsEntry("reflector.producer.security.protocol", "SASL_SSL")
                .containsEntry("reflector.producer.sasl-jaas-config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"al\\\"ice\" password=\"s3cr\\\\et\";")
                .doesNotContainKey("reflector.consumer.security.protocol");
    }

    @Test
    void no_credentials_leave_plaintext() {
        assertThat(ReflectorConfig.derived(settings(Map.of()))).containsOnlyKeys("reflector.consumer.isolation.level");
        assertThat(settings(Map.of()).get("reflector.consumer.security.protocol")).isEqualTo("PLAINTEXT");
    }

    @Test
    void exactly_once_reads_the_source_committed_only_and_at_least_once_reads_everything_as_before() {
        assertThat(ReflectorConfig.derived(settings(Map.of("REFLECTOR_DELIVERY", "exactly-once"))))
                .containsEntry("reflector.consumer.isolation.level", "read_committed");
        assertThat(ReflectorConfig.derived(settings(Map.of()))).containsEntry("reflector.consumer.isolation.level", "read_uncommitted");
    }

    @Test
    void an_unknown_delivery_and_an_exactly_once_offsets_topic_that_is_no_topic_name_are_refused() {
        assertThat(ReflectorConfig.problems(settings(Map.of("CONSUMER_SERVER", "a:1", "CONSUMER_GROUP_ID", "g", "CONSUMER_TOPICS", "t",
                "PRODUCER_SERVER", "b:1", "REFLECTOR_DELIVERY", "exactly_once"))))
                .containsExactly("reflector.delivery (env REFLECTOR_DELIVERY) is 'exactly_once'; use one of at-least-once, exactly-once");
        assertThat(ReflectorConfig.problems(settings(Map.of("CONSUMER_SERVER", "a:1", "CONSUMER_GROUP_ID", "g", "CONSUMER_TOPICS", "t",
                "PRODUCER_SERVER", "b:1", "REFLECTOR_DELIVERY", "exactly-once", "REFLECTOR_OFFSETS_TOPIC", "bad topic!"))))
                .singleElement().asString().startsWith("reflector.offsets.topic (env REFLECTOR_OFFSETS_TOPIC) is not a valid topic name");
    }

    @Test
    void alerce_defaults() {
        Settings s = settings(Map.of());
        assertThat(s.get("reflector.consume.timeout")).isEqualTo("10");
        assertThat(s.get("reflector.consume.messages")).isEqualTo("1000");
        assertThat(s.get("reflector.keep.original.timestamp")).isEqualTo("true");
        assertThat(s.get("reflector.topic.strategy.change.hour")).isEqualTo("23");
        assertThat(s.get("reflector.topic.strategy.lookback.days")).isEqualTo("1");
        assertThat(s.get("step.version")).isEqualTo("dev");
        assertThat(s.get("reflector.rollover.cron")).isEqualTo("0+0+0,23+*+*+?");
    }

    @Test
    void on_gap_is_continue_by_default_and_anything_but_continue_or_stop_is_one_line_naming_the_setting() {
        Map<String, String> env = new java.util.HashMap<>(Map.of("CONSUMER_SERVER", "a:9092", "CONSUMER_GROUP_ID", "g",
                "CONSUMER_TOPICS", "t", "PRODUCER_SERVER", "b:9092"));
        assertThat(settings(env).get("reflector.on.gap")).isEqualTo("continue");
        assertThat(ReflectorConfig.problems(settings(env))).isEmpty();
        env.put("REFLECTOR_ON_GAP", "stop");
        assertThat(ReflectorConfig.problems(settings(env))).isEmpty();
        env.put("REFLECTOR_ON_GAP", "skip");
        assertThat(ReflectorConfig.problems(settings(env)))
                .containsExactly("reflector.on.gap (env REFLECTOR_ON_GAP) is 'skip'; use one of continue, stop");
    }
}
