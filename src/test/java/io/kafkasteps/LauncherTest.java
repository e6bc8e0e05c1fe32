package io.kafkasteps;

import static io.kafkasteps.testing.LauncherRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kafkasteps.testing.LauncherRun;
import org.junit.jupiter.api.Test;

/** Configuration mistakes end the start-up with one line per problem and exit code 2, before connecting. */
class LauncherTest {

    /** A complete splitter configuration pointing at a port nothing listens on: any connection would hang. */
    private static Map<String, String> valid() {
        Map<String, String> env = new HashMap<>();
        env.put("SPLITTER_BROKERS", "127.0.0.1:1");
        env.put("SPLITTER_SOURCE_TOPIC", "batches");
        env.put("SPLITTER_SINK_TOPIC", "events");
        env.put("SPLITTER_BATCH_PATH", "$.events[*]");
        return env;
    }

    private static LauncherRun withEnv(String name, String value) {
        Map<String, String> env = valid();
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return run(env, "batch-to-stream");
    }

    @Test
    void missing_source_topic_names_the_setting_and_its_env_variable() {
        LauncherRun r = withEnv("SPLITTER_SOURCE_TOPIC", null);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly(
                "kafka-steps: splitter.source.topic (env SPLITTER_SOURCE_TOPIC) is required: the topic that holds the batches");
    }

    @Test
    void every_invalid_setting_gets_its_own_line() {
        Map<String, String> env = valid();
        env.put("SPLITTER_BATCH_PATH", "$.events[*");
        env.put("SPLITTER_KEY_PATH", "$.a b");
        env.put("SPLITTER_RESET", "yes");
        env.put("SPLITTER_BROKERS", "no-port");
        env.put("SPLITTER_MAX_POLL_RECORDS", "0");
        LauncherRun r = run(env, "batch-to-stream");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(5).allMatch(l -> l.startsWith("kafka-steps: splitter."));
        assertThat(r.err())
                .contains("splitter.batch.path (env SPLITTER_BATCH_PATH) '$.events[*' is not a valid JSONPath")
                .contains("splitter.key.path (env SPLITTER_KEY_PATH) '$.a b' is not a valid JSONPath")
                .contains("splitter.reset (env SPLITTER_RESET) must be true or false, not 'yes'")
                .contains("splitter.brokers (env SPLITTER_BROKERS) is not a list of host:port: 'no-port'")
                .contains("splitter.max.poll.records (env SPLITTER_MAX_POLL_RECORDS) must be a whole number above 0, not '0'")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void an_unknown_delivery_guarantee_is_refused_naming_the_two_there_are() {
        LauncherRun r = withEnv("SPLITTER_DELIVERY", "exactly_once");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly(
                "kafka-steps: splitter.delivery (env SPLITTER_DELIVERY) is 'exactly_once'; use one of at-least-once, exactly-once");
    }

    @Test
    void exactly_once_refuses_a_cooperative_assignor_which_would_keep_positions_across_a_rebalance() {
        Map<String, String> env = valid();
        env.put("SPLITTER_DELIVERY", "exactly-once");
        env.put("SPLITTER_KAFKA_PARTITION_ASSIGNMENT_STRATEGY", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        LauncherRun r = run(env, "batch-to-stream");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("splitter.kafka.partition.assignment.strategy (env SPLITTER_KAFKA_PARTITION_ASSIGNMENT_STRATEGY) is a"
                + " cooperative assignor; splitter.delivery=exactly-once needs an eager one");
    }

    @Test
    void sink_equal_to_source_is_refused() {
        LauncherRun r = withEnv("SPLITTER_SINK_TOPIC", "batches");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("splitter.sink.topic (env SPLITTER_SINK_TOPIC) must differ from splitter.source.topic");
    }

    @Test
    void invalid_topic_name_is_refused() {
        LauncherRun r = withEnv("SPLITTER_SINK_TOPIC", "bad topic!");
        assertThat(r.err()).contains("splitter.sink.topic (env SPLITTER_SINK_TOPIC) is not a valid topic name: 'bad topic!'");
        assertThat(r.err()).contains("splitter.dlq.topic (env SPLITTER_DLQ_TOPIC) is not a valid topic name: 'bad topic!.dlq'");
    }

    @Test
    void unknown_route_and_unknown_option_are_refused_with_usage() {
        LauncherRun route = run(valid(), "batch-to-strem");
        assertThat(route.code()).isEqualTo(2);
        assertThat(route.err()).contains("unknown route 'batch-to-strem': known routes are batch-to-stream");
        LauncherRun option = run(valid(), "batch-to-stream", "--rest");
        assertThat(option.code()).isEqualTo(2);
        assertThat(option.err()).startsWith("kafka-steps: unknown option '--rest'").contains("usage: kafka-steps");
    }

    @Test
    void no_route_named_is_an_error_and_help_is_not() {
        assertThat(run(valid()).code()).isEqualTo(2);
        LauncherRun help = run(valid(), "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("usage: kafka-steps ROUTE...");
    }

    @Test
    void command_line_set_wins_over_the_environment() {
        LauncherRun r = run(valid(), "batch-to-stream", "--set", "splitter.source.topic=", "--set", "splitter.batch.path=$.x[");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("splitter.source.topic (env SPLITTER_SOURCE_TOPIC) is required");
    }

    @Test
    void missing_route_file_is_reported() {
        LauncherRun r = run(valid(), "batch-to-stream", "--routes", "no-such-dir");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("route file no-such-dir/batch-to-stream.camel.yaml does not exist");
    }

    /** The ALeRCE reflector's variables, complete, pointing at ports nothing listens on. */
    private static Map<String, String> reflector() {
        Map<String, String> env = new HashMap<>();
        env.put("CONSUMER_SERVER", "127.0.0.1:1");
        env.put("CONSUMER_GROUP_ID", "reflector");
        env.put("PRODUCER_SERVER", "127.0.0.1:2");
        env.put("TOPIC_STRATEGY_FORMAT", "ztf_%s_programid1");
        return env;
    }

    @Test
    void print_topics_prints_the_set_at_an_instant_and_exits_without_connecting() {
        Map<String, String> env = Map.of("TOPIC_STRATEGY_FORMAT", "ztf_%s_programid1,ztf_%s_programid3");
        LauncherRun r = run(env, "reflector", "--print-topics", "--at", "2026-12-31T23:30:00Z");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
                "ztf_20261230_programid1", "ztf_20261230_programid3",
                "ztf_20261231_programid1", "ztf_20261231_programid3",
                "ztf_20270101_programid1", "ztf_20270101_programid3");
    }

    @Test
    void print_topics_of_a_fixed_list_and_a_bad_instant() {
        assertThat(run(Map.of("CONSUMER_TOPICS", "a,b"), "reflector", "--print-topics").out().lines().toList()).containsExactly("a", "b");
        LauncherRun bad = run(Map.of("CONSUMER_TOPICS", "a"), "reflector", "--print-topics", "--at", "tomorrow");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--at 'tomorrow' is not an instant");
    }

    @Test
    void each_missing_reflector_variable_is_named_by_its_alerce_name() {
        for (String name : List.of("CONSUMER_SERVER", "CONSUMER_GROUP_ID", "PRODUCER_SERVER")) {
            Map<String, String> env = reflector();
            env.remove(name);
            LauncherRun r = run(env, "reflector");
            assertThat(r.code()).as(name).isEqualTo(2);
            assertThat(r.errLines()).as(name).hasSize(1);
            assertThat(r.err()).as(name).contains("(env " + name + ") is required");
        }
        Map<String, String> neither = reflector();
        neither.remove("TOPIC_STRATEGY_FORMAT");
        LauncherRun r = run(neither, "reflector");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("reflector.topic.strategy.format (env TOPIC_STRATEGY_FORMAT) or reflector.consumer.topics (env CONSUMER_TOPICS) is required");
    }

    @Test
    void invalid_reflector_values_are_refused() {
        Map<String, String> env = reflector();
        env.put("TOPIC_STRATEGY_FORMAT", "ztf_programid1");
        env.put("KEEP_ORIGINAL_TIMESTAMP", "nope");
        env.put("CONSUME_MESSAGES", "-5");
        env.put("TOPIC_STRATEGY_CHANGE_HOUR", "24");
        env.put("PRODUCER_USERNAME", "alice");
        LauncherRun r = run(env, "reflector");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("(env KEEP_ORIGINAL_TIMESTAMP) must be true or false, not 'nope'")
                .contains("(env CONSUME_MESSAGES) must be a whole number above 0, not '-5'")
                .contains("(env TOPIC_STRATEGY_CHANGE_HOUR) must be a whole number from 0 to 23, not '24'")
                .contains("(env PRODUCER_PASSWORD) is required when the username is set");
        Map<String, String> format = reflector();
        format.put("TOPIC_STRATEGY_FORMAT", "ztf_programid1");
        assertThat(run(format, "reflector").err()).contains("(env TOPIC_STRATEGY_FORMAT) format 'ztf_programid1' must hold %s exactly once");
    }

    @Test
    void log_levels_come_from_the_environment() {
        assertThat(Launcher.logLevels(Map.of("KAFKA_STEPS_LOG_LEVEL", "DEBUG", "KAFKA_STEPS_LOG_LEVELS", "org.apache.kafka=info, io.kafkasteps=trace")))
                .containsEntry("org.slf4j.simpleLogger.defaultLogLevel", "debug")
                .containsEntry("org.slf4j.simpleLogger.log.org.apache.kafka", "info")
                .containsEntry("org.slf4j.simpleLogger.log.io.kafkasteps", "trace");
        assertThat(Launcher.logLevels(Map.of())).isEmpty();
    }
}
