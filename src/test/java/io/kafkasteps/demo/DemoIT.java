package io.kafkasteps.demo;

import static io.kafkasteps.testing.Records.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kafkasteps.testing.Records;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, {@code mvn -B -Pdemo}, as a user runs it: a broker in the demo's
 * JVM, both routes splitting, reflecting and dead-lettering, records readable from outside at the
 * printed bootstrap address, and Ctrl-C (SIGINT) stopping it all.
 */
class DemoIT {

    private static final Duration WAIT = Duration.ofMinutes(5);

    private Process demo;

    @AfterEach
    void stop() throws InterruptedException {
        if (demo != null && demo.isAlive()) {
            demo.destroyForcibly();
            demo.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void mvn_demo_runs_both_routes_on_an_embedded_broker_and_stops_on_ctrl_c() throws Exception {
        Path log = Files.createTempFile("kafka-steps-demo", ".log");
        long started = System.nanoTime();
        demo = new ProcessBuilder("mvn", "-B", "-Pdemo").redirectErrorStream(true).redirectOutput(log.toFile()).start();

        assertThat(Records.eventually(WAIT, () -> output(log).contains("demo: first split event")))
                .as("a split event within %s; output:%n%s", WAIT, output(log)).isTrue();
        System.out.printf("DemoIT: first split event %.1fs after `mvn -B -Pdemo` started%n", (System.nanoTime() - started) / 1e9);
        assertThat(Records.eventually(WAIT, () -> output(log).contains("demo:   dead letter  key=broken dlq.reason=value is not valid JSON")
                && output(log).contains("demo:   reflected  demo.reflected")
                && Pattern.compile("batch-to-stream: \\d+ batches in").matcher(output(log)).find()
                && Pattern.compile("reflector: \\d+ batches in").matcher(output(log)).find()))
                .as("dead letter, reflected records and both progress lines; output:%n%s", output(log)).isTrue();

        // The printed address is a real broker that your own tools can read.
        Matcher m = Pattern.compile("demo: Kafka broker \\(KRaft, in this JVM\\) at (\\S+) ").matcher(output(log));
        assertThat(m.find()).isTrue();
        try (Records records = new Records(m.group(1))) {
            List<ConsumerRecord<byte[], byte[]>> events = records.read(Demo.EVENTS, 3, Duration.ofSeconds(30));
            assertThat(events).hasSizeGreaterThanOrEqualTo(3);
            assertThat(events).allSatisfy(r -> assertThat(text(r.key())).matches("ZTF26a\\d{5}-\\d"));
            assertThat(records.read(Demo.REFLECTED, 1, Duration.ofSeconds(30))).isNotEmpty();
        }

        // Ctrl-C: SIGINT to the Maven JVM that runs the demo.
        Process interrupt = new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).inheritIO().start();
        assertThat(interrupt.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("the demo stops on Ctrl-C; output:%n%s", output(log)).isTrue();
        assertThat(output(log)).contains("demo: stopping (routes, then the broker)", "demo: stopped");
    }

    private static String output(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
