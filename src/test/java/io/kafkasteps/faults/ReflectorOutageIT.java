package io.kafkasteps.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import io.kafkasteps.testing.TwoBrokerTestBase;
import io.kafkasteps.testing.AppProcess;
import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Records;
import org.junit.jupiter.api.Test;

/** The reflector, as the packaged jar, through a 30 s outage of its sink broker and then one of its source broker. */
class ReflectorOutageIT extends TwoBrokerTestBase {

    static final Duration OUTAGE = Duration.ofSeconds(30);


    /** One outage: how long it took to resume and what the process logged meanwhile. */
    record Outage(String broker, long stopNanos, long resumedNanos, List<String> during) {

        long retryLines() {
            return during.stream().filter(l -> l.contains("WARN") && (l.contains("not delivered") || l.contains("On delivery attempt"))).count();
        }

        long warnLines() {
            return during.stream().filter(l -> l.contains("WARN")).count();
        }
    }

    /** Stops a broker for OUTAGE while the process runs, restarts it, and waits until {@code progress} moves past its value before. */
    static Outage outage(String name, EmbeddedKafka broker, AppProcess app, LongSupplier progress) {
        long before = progress.getAsLong();
        long linesBefore = app.output().lines().count();
        long stopping = System.nanoTime();
        broker.stop();
        long stopTook = System.nanoTime() - stopping;
        // The outage itself: this waits OUTAGE out and proves the process stays up all along.
        assertThat(Records.eventually(OUTAGE, () -> !app.alive())).as("the process lives through the %s outage", name).isFalse();
        List<String> during = app.output().lines().skip(linesBefore).toList();
        Jar.keep("reflector-" + name + "-outage", during);
        long restarting = System.nanoTime();
        broker.restart();
        long[] resumed = {-1};
        assertThat(Records.eventually(Duration.ofSeconds(120), () -> progress.getAsLong() > before))
                .as("the reflector resumes by itself after the %s outage: %s", name, Jar.tail(app.output(), 40)).isTrue();
        resumed[0] = System.nanoTime() - restarting;
        return new Outage(name, stopTook, resumed[0], during);
    }

    @Test
    void sink_and_source_outages_of_30_s_each_resume_by_themselves_and_lose_nothing() {
        String topic = "outage-alerts", group = "outage-reflector";
        src.createTopics(1, topic);
        dst.createTopics(1, topic);
        Map<String, String> env = Jar.reflector(source.bootstrapServers(), sink.bootstrapServers(), topic, group);
        env.put("REFLECTOR_PROGRESS_INTERVAL_MS", "5000");
        // retry backoff and producer timeouts: the defaults (0.5 s doubling to 30 s)

        try (SteadyStream stream = new SteadyStream(source.bootstrapServers());
                AppProcess app = Jar.start(env, "reflector")) {
            stream.start(topic, 100, 100, i -> i + ":" + "y".repeat(64));
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> dst.end(topic) >= 2000 || !app.alive()))
                    .as("flowing before the outages: %s", Jar.tail(app.output(), 30)).isTrue();
            assertThat(app.alive()).isTrue();

            Outage sinkOutage = outage("sink", sink, app, () -> dst.end(topic));
            long afterSink = dst.end(topic);
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> dst.end(topic) >= afterSink + 2000))
                    .as("flowing between the outages").isTrue();
            Outage sourceOutage = outage("source", source, app, () -> src.committed(group, topic));

            int sent = stream.stop();
            long caughtUp = System.nanoTime();
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> src.committed(group, topic) == sent))
                    .as("every record committed: %s", Jar.tail(app.output(), 40)).isTrue();
            long caughtUpTook = System.nanoTime() - caughtUp;
            assertThat(app.alive()).isTrue();

            List<String> out = Records.values(dst.readAll(topic));
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < sent; i++) {
                expected.add(i + ":" + "y".repeat(64));
            }
            StringBuilder md = new StringBuilder(FaultReport.row("broker down", "outage (s)", "retry WARN lines in outage", "all WARN lines in outage",
                    "output lines in outage", "broker stop (s)", "resumed after restart (s)", "WARN lines by logger"));
            md.append("|---|---|---|---|---|---|---|---|\n");
            for (Outage o : List.of(sinkOutage, sourceOutage)) {
                md.append(FaultReport.row(o.broker(), OUTAGE.toSeconds(), o.retryLines(), o.warnLines(), o.during().size(),
                        FaultReport.seconds(o.stopNanos()), FaultReport.seconds(o.resumedNanos()), Jar.warnKinds(o.during())));
            }
            md.append("\n").append(FaultReport.row("records", "sink records", "duplicates", "caught up after the stream stopped (s)"))
                    .append("|---|---|---|---|\n")
                    .append(FaultReport.row(sent, out.size(), out.size() - new HashSet<>(out).size(), FaultReport.seconds(caughtUpTook)))
                    .append("\nStream: 100 records every 100 ms throughout (the test's producer buffers during the source outage);"
                            + " retry backoff at its default (0.5 s doubling to 30 s).\n");
            FaultReport.section("5-reflector-outage", "Broker outage: reflector (sink, then source)", md.toString());

            assertThat(new HashSet<>(out)).as("every record on the sink").isEqualTo(expected);
            for (Outage o : List.of(sinkOutage, sourceOutage)) {
                assertThat(o.retryLines()).as("retries back off during the %s outage (no hot loop)", o.broker()).isLessThan(30);
                assertThat(o.during().size()).as("the log stays quiet during the %s outage (no hot loop)", o.broker()).isLessThan(300);
            }
        }
    }
}
