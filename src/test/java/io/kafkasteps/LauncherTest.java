package io.kafkasteps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Configuration mistakes end the start-up with one line per problem and exit code 2, before connecting. */
class LauncherTest {

    record Result(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Launcher(env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A complete splitter configuration pointing at a port nothing listens on: any connection would hang. */
    private static Map<String, String> valid() {
        Map<String, String> env = new HashMap<>();
        env.put("SPLITTER_BROKERS", "127.0.0.1:1");
        env.put("SPLITTER_SOURCE_TOPIC", "batches");
        env.put("SPLITTER_SINK_TOPIC", "events");
        env.put("SPLITTER_BATCH_PATH", "$.events[*]");
        return env;
    }

    private static Result withEnv(String name, String value) {
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
        Result r = withEnv("SPLITTER_SOURCE_TOPIC", null);
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
        Result r = run(env, "batch-to-stream");
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
    void sink_equal_to_source_is_refused() {
        Result r = withEnv("SPLITTER_SINK_TOPIC", "batches");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("splitter.sink.topic (env SPLITTER_SINK_TOPIC) must differ from splitter.source.topic");
    }

    @Test
    void invalid_topic_name_is_refused() {
        Result r = withEnv("SPLITTER_SINK_TOPIC", "bad topic!");
        assertThat(r.err()).contains("splitter.sink.topic (env SPLITTER_SINK_TOPIC) is not a valid topic name: 'bad topic!'");
        assertThat(r.err()).contains("splitter.dlq.topic (env SPLITTER_DLQ_TOPIC) is not a valid topic name: 'bad topic!.dlq'");
    }

    @Test
    void unknown_route_and_unknown_option_are_refused_with_usage() {
        Result route = run(valid(), "batch-to-strem");
        assertThat(route.code()).isEqualTo(2);
        assertThat(route.err()).contains("unknown route 'batch-to-strem': known routes are batch-to-stream");
        Result option = run(valid(), "batch-to-stream", "--rest");
        assertThat(option.code()).isEqualTo(2);
        assertThat(option.err()).startsWith("kafka-steps: unknown option '--rest'").contains("usage: kafka-steps");
    }

    @Test
    void no_route_named_is_an_error_and_help_is_not() {
        assertThat(run(valid()).code()).isEqualTo(2);
        Result help = run(valid(), "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("usage: kafka-steps ROUTE...");
    }

    @Test
    void command_line_set_wins_over_the_environment() {
        Result r = run(valid(), "batch-to-stream", "--set", "splitter.source.topic=", "--set", "splitter.batch.path=$.x[");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("splitter.source.topic (env SPLITTER_SOURCE_TOPIC) is required");
    }

    @Test
    void missing_route_file_is_reported() {
        Result r = run(valid(), "batch-to-stream", "--routes", "no-such-dir");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("route file no-such-dir/batch-to-stream.camel.yaml does not exist");
    }
}
