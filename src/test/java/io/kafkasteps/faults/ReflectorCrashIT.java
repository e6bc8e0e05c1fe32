package io.kafkasteps.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkasteps.testing.TwoBrokerTestBase;
import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Records;
import org.junit.jupiter.api.Test;

/** The reflector, as the packaged jar between two brokers, killed with SIGKILL ten times over 100k records. */
class ReflectorCrashIT extends TwoBrokerTestBase {

    static final int RECORDS = 100_000;
    static final int KILLS = 10;


    @Test
    void survives_ten_kill_9_without_losing_a_record_and_duplicates_only_the_uncommitted() {
        String topic = "crash-alerts", group = "crash-reflector";
        src.createTopics(1, topic);
        dst.createTopics(1, topic);
        List<String> values = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            values.add(i + ":" + "x".repeat(100));
        }
        src.sendAll(topic, values);
        assertThat(src.end(topic)).isEqualTo(RECORDS);

        Map<String, String> env = Jar.reflector(source.bootstrapServers(), sink.bootstrapServers(), topic, group);
        env.put("REFLECTOR_PROGRESS_INTERVAL_MS", "1000");

        long began = System.nanoTime();
        KillLoop loop = new KillLoop(() -> Jar.startToKill(env, "reflector"), () -> dst.end(topic),
                () -> src.committed(group, topic), RECORDS);
        loop.run(KillLoop.moments(Seeds.random("reflector-crash"), KILLS, RECORDS), dst, topic);
        long elapsed = System.nanoTime() - began;

        List<String> out = Records.values(dst.readAll(topic));
        KillLoop.Tally tally = loop.tally(out, v -> Long.parseLong(v.substring(0, v.indexOf(':'))));

        FaultReport.section("2-reflector-crash", "Process crash: reflector, kill -9 x" + KILLS,
                FaultReport.row("records", "kills", "sink records", "distinct records", "duplicates", "wall time (s)")
                        + "|---|---|---|---|---|---|\n"
                        + FaultReport.row(RECORDS, KILLS, out.size(), tally.distinct(), tally.totalDuplicates(), FaultReport.seconds(elapsed))
                        + "\nPer kill (CONSUME_MESSAGES=1000 records per poll, committed after the sink acknowledged them):\n\n"
                        + loop.table(tally, "records"));

        Set<String> expected = new HashSet<>(values);
        assertThat(new HashSet<>(out)).as("every record is on the sink at least once").isEqualTo(expected);
        assertThat(tally.duplicatesBeforeFirstKill()).as("no duplicate without a kill").isZero();
        for (int i = 0; i < KILLS; i++) {
            assertThat(tally.duplicates().get(i)).as("duplicates after kill %d are bounded by what was uncommitted", i + 1)
                    .isLessThanOrEqualTo(tally.uncommitted().get(i));
        }
    }
}
