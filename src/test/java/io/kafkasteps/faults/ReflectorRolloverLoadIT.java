package io.kafkasteps.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkasteps.reflector.TopicSubscription;
import io.kafkasteps.testing.TwoBrokerTestBase;
import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.RunningApp;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

/**
 * The reflector's daily rollover while records flow at a steady rate into three daily topics:
 * four switches (d1 -> d1,d2 -> d2 -> d2,d3 -> d3), driven through TopicSubscription.refreshAt
 * in the running application (in this JVM: the switch needs its CamelContext).
 */
class ReflectorRolloverLoadIT extends TwoBrokerTestBase {

    static final Duration WAIT = Duration.ofSeconds(60);


    /** One switch: the set asked for, how long refreshAt took, and what each stream had acknowledged before it began. */
    record Switch(String at, List<String> set, long tookNanos, long[] ackedBefore) {
    }

    @Test
    void every_record_of_a_topic_in_the_set_and_every_record_sent_before_a_topic_left_it_is_on_the_sink() throws Exception {
        String prefix = "load";
        String d1 = prefix + "_20300101", d2 = prefix + "_20300102", d3 = prefix + "_20300103";
        List<String> days = List.of(d1, d2, d3);
        src.createTopics(1, d1, d2, d3);
        dst.createTopics(1, d1, d2, d3);
        Map<String, String> s = new HashMap<>();
        s.put("reflector.consumer.server", source.bootstrapServers());
        s.put("reflector.producer.server", sink.bootstrapServers());
        s.put("reflector.consumer.group.id", "load-reflector");
        s.put("reflector.consume.timeout", "1");
        s.put("reflector.consumer.metadata.max.age.ms", "1000");
        s.put("reflector.topic.strategy.format", prefix + "_%s");
        s.put("reflector.topic.strategy.lookback.days", "0");

        List<SteadyStream> streams = new ArrayList<>();
        try (RunningApp app = RunningApp.start(s, "reflector")) {
            CamelContext ctx = app.app().context();
            assertThat(Records.eventually(WAIT, () -> ctx.getRouteController().getRouteStatus("reflector") == ServiceStatus.Started)).isTrue();
            TopicSubscription topics = ctx.getRegistry().lookupByNameAndType("reflectorTopics", TopicSubscription.class);
            assertThat(topics.refreshAt(ctx, Instant.parse("2030-01-01T12:00:00Z"))).containsExactly(d1);
            for (String day : days) {
                streams.add(new SteadyStream(source.bootstrapServers()).start(day, 20, 100, i -> day + "#" + i));
            }
            List<Switch> switches = new ArrayList<>();
            String[][] plan = {
                    {"2030-01-01T23:00:00Z", d1 + "," + d2},
                    {"2030-01-02T00:00:00Z", d2},
                    {"2030-01-02T23:00:00Z", d2 + "," + d3},
                    {"2030-01-03T00:00:00Z", d3}};
            String flowing = d1;
            for (String[] step : plan) {
                long before = dst.end(flowing);
                String watched = flowing;
                assertThat(Records.eventually(WAIT, () -> dst.end(watched) >= before + 300))
                        .as("records of %s flow before the switch at %s", watched, step[0]).isTrue();
                long[] acked = streams.stream().mapToLong(SteadyStream::acked).toArray();
                long began = System.nanoTime();
                List<String> set = topics.refreshAt(ctx, Instant.parse(step[0]));
                switches.add(new Switch(step[0], set, System.nanoTime() - began, acked));
                assertThat(set).containsExactly(step[1].split(","));
                flowing = set.get(set.size() - 1);
            }
            String last = flowing;
            long beforeEnd = dst.end(last);
            assertThat(Records.eventually(WAIT, () -> dst.end(last) >= beforeEnd + 300)).as("records flow after the last switch").isTrue();
            long[] sent = new long[days.size()];
            for (int i = 0; i < days.size(); i++) {
                sent[i] = streams.get(i).stop();
            }
            assertThat(Records.eventually(WAIT, () -> dst.end(d3) >= sent[2])).as("d3 (still in the set) fully copied").isTrue();

            // required on the sink: d1 up to its leaving (switch 2), d2 up to its leaving (switch 4), d3 all
            long[] required = {switches.get(1).ackedBefore()[0], switches.get(3).ackedBefore()[1], sent[2]};
            StringBuilder md = new StringBuilder(FaultReport.row("switch at", "set after", "switch took (s)", "records sent to d1 / d2 / d3 before it"));
            md.append("|---|---|---|---|\n");
            for (Switch sw : switches) {
                md.append(FaultReport.row(sw.at(), String.join(", ", sw.set()), FaultReport.seconds(sw.tookNanos()),
                        sw.ackedBefore()[0] + " / " + sw.ackedBefore()[1] + " / " + sw.ackedBefore()[2]));
            }
            md.append("\n").append(FaultReport.row("topic", "in the set", "sent", "required on the sink", "on the sink (distinct)", "missing of required",
                    "duplicates"));
            md.append("|---|---|---|---|---|---|---|\n");
            String[] inSet = {"until switch 2", "switch 1 to switch 4", "from switch 3 on (read from its start)"};
            List<List<String>> missing = new ArrayList<>();
            for (int t = 0; t < days.size(); t++) {
                String day = days.get(t);
                List<String> out = Records.values(dst.readAll(day));
                Set<String> distinct = new HashSet<>(out);
                List<String> miss = new ArrayList<>();
                for (long i = 0; i < required[t]; i++) {
                    if (!distinct.contains(day + "#" + i)) {
                        miss.add(day + "#" + i);
                    }
                }
                missing.add(miss);
                md.append(FaultReport.row(day, inSet[t], sent[t], required[t], distinct.size(), miss.size(), out.size() - distinct.size()));
            }
            md.append("\nStream: 20 records every 100 ms into each of the three topics throughout; lookback 0 days, change hour 23."
                    + " \"Required\" = every record acknowledged by the source before the switch that removed the topic.\n");
            FaultReport.section("9-reflector-rollover", "Rollover under load: reflector, 4 switches", md.toString());

            assertThat(topics.current()).containsExactly(d3);
            for (int t = 0; t < days.size(); t++) {
                assertThat(missing.get(t)).as("records of %s that had to be copied (%d), missing", days.get(t), required[t]).isEmpty();
            }
        } finally {
            streams.forEach(SteadyStream::close);
        }
    }
}
