package io.kafkasteps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import io.kafkasteps.testing.AppProcess;
import org.junit.jupiter.api.Test;

/** The packaged jar, as a user runs it: a configuration mistake is one line and exit code 2, no stack trace. */
class LauncherIT {

    @Test
    void packaged_jar_reports_a_config_error_in_one_line_and_exits_2() {
        AppProcess p = AppProcess.run(Map.of("SPLITTER_SINK_TOPIC", "events", "SPLITTER_BATCH_PATH", "$.events[*]"),
                Duration.ofSeconds(30), "batch-to-stream");
        assertThat(p.exitCode()).isEqualTo(2);
        assertThat(p.output().strip()).isEqualTo(
                "kafka-steps: splitter.source.topic (env SPLITTER_SOURCE_TOPIC) is required: the topic that holds the batches");
    }

    @Test
    void packaged_jar_prints_usage() {
        AppProcess p = AppProcess.run(Map.of(), Duration.ofSeconds(30), "--help");
        assertThat(p.exitCode()).isZero();
        assertThat(p.output()).contains("usage: kafka-steps ROUTE...");
    }
}
