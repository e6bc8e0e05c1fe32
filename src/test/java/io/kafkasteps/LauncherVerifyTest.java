package io.kafkasteps;

import static io.kafkasteps.testing.LauncherRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import io.kafkasteps.testing.LauncherRun;
import org.junit.jupiter.api.Test;

/** {@code reflector --verify}: its configuration mistakes end before any connection, one line each, exit code 2. */
class LauncherVerifyTest {

    /** Both clusters on a port nothing listens on: a connection would fail, not hang. */
    private static Map<String, String> valid() {
        Map<String, String> env = new HashMap<>();
        env.put("CONSUMER_SERVER", "127.0.0.1:1");
        env.put("PRODUCER_SERVER", "127.0.0.1:1");
        env.put("CONSUMER_TOPICS", "alerts");
        return env;
    }

    @Test
    void missing_settings_are_named_one_line_each_and_no_consumer_group_is_needed() {
        Map<String, String> env = valid();
        env.remove("PRODUCER_SERVER");
        env.remove("CONSUMER_TOPICS");
        env.put("KEEP_PARTITION", "maybe");
        LauncherRun r = run(env, "reflector", "--verify");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines()).containsExactlyInAnyOrder(
                "kafka-steps: reflector.topic.strategy.format (env TOPIC_STRATEGY_FORMAT) or reflector.consumer.topics (env CONSUMER_TOPICS) is required: the topics to copy",
                "kafka-steps: reflector.producer.server (env PRODUCER_SERVER) is required: bootstrap servers as host:port[,host:port]",
                "kafka-steps: reflector.keep.partition (env KEEP_PARTITION) must be true or false, not 'maybe'");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void since_must_be_an_instant() {
        LauncherRun r = run(valid(), "reflector", "--verify", "--since", "yesterday");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("kafka-steps: --since 'yesterday' is not an instant such as 2026-12-01T00:00:00Z");
    }

    @Test
    void since_goes_with_verify_and_verify_with_the_reflector_alone() {
        LauncherRun since = run(valid(), "reflector", "--since", "2026-12-01T00:00:00Z");
        assertThat(since.code()).isEqualTo(2);
        assertThat(since.err()).startsWith("kafka-steps: --since goes with --verify").contains("usage: kafka-steps");
        LauncherRun splitter = run(valid(), "batch-to-stream", "--verify");
        assertThat(splitter.code()).isEqualTo(2);
        assertThat(splitter.err()).startsWith("kafka-steps: --verify checks the reflector's copy: kafka-steps reflector --verify");
        LauncherRun both = run(valid(), "reflector", "--verify", "--print-topics");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).startsWith("kafka-steps: --verify and --print-topics are two commands: give one");
    }

    @Test
    void usage_names_verify_and_since() {
        assertThat(CommandLine.USAGE).contains("--verify ").contains("--since INSTANT");
        CommandLine cl = CommandLine.parse(new String[] {"reflector", "--verify", "--since", "2026-12-01T00:00:00Z"}, Map.of());
        assertThat(cl.verify()).isTrue();
        assertThat(cl.since()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(CommandLine.parse(new String[] {"--verify"}, Map.of()).verify()).isTrue();
    }
}
