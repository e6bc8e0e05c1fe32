package io.kafkasteps.splitter;

import static io.kafkasteps.testing.Records.header;
import static io.kafkasteps.testing.Records.text;
import static io.kafkasteps.testing.Records.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.kafkasteps.KafkaSteps;
import io.kafkasteps.Settings;
import io.kafkasteps.testing.Records;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input that shows only when its events are sent: a record too large once keyed and with its
 * headers, a record the broker refuses, a dead letter too large for its own topic, and a failing
 * step inside the split. Each is dead-lettered once, the rest of the poll is delivered, and the
 * poll is committed: never a stall. Counted on the broker.
 */
class SplitterSinkLimitsIT extends SplitterTestBase {

    @TempDir
    Path temp;

    @Test
    void an_event_whose_key_makes_it_too_large_dead_letters_its_batch_and_the_rest_is_delivered_once() {
        Topics t = Topics.fresh();
        records.send(t.source(), "huge", "{\"events\":[{\"id\":\"" + "a".repeat(700_000) + "\"}]}");
        records.send(t.source(), "good", "{\"events\":[{\"id\":\"g1\"},{\"id\":\"g2\"}]}");
        try (var app = io.kafkasteps.testing.RunningApp.start(t.settings("$.id"), "batch-to-stream")) {
            List<ConsumerRecord<byte[], byte[]>> dead = records.read(t.dlq(), 1, WAIT);
            assertThat(dead).extracting(r -> text(r.key())).containsExactly("huge");
            assertThat(header(dead.get(0), "dlq.reason")).startsWith("event 1 of 1 is ").contains("larger than a sink record allows");
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 2)).isTrue();
            assertThat(values(records.readToEnd(t.sink()))).as("the good batch once, nothing of the huge one")
                    .containsExactly("{\"id\":\"g1\"}", "{\"id\":\"g2\"}");
            assertThat(records.readToEnd(t.dlq())).hasSize(1);
        }
    }

    @Test
    void an_event_the_broker_refuses_dead_letters_its_record_and_the_poll_goes_on() {
        Topics t = Topics.fresh(false);
        // The topic takes less than the producer may send (1 MiB), but more than one producer batch
        // (batch.size, 16 KiB): the broker refuses the large record alone, the others go through.
        records.createTopic(t.sink(), Map.of("max.message.bytes", "50000"));
        records.send(t.source(), "before", "{\"events\":[{\"id\":\"b1\"}]}");
        records.send(t.source(), "refused", "{\"events\":[{\"id\":\"r1\",\"blob\":\"" + "x".repeat(100_000) + "\"}]}");
        records.send(t.source(), "after", "{\"events\":[{\"id\":\"a1\"}]}");
        try (var app = io.kafkasteps.testing.RunningApp.start(t.settings("$.id"), "batch-to-stream")) {
            List<ConsumerRecord<byte[], byte[]>> dead = records.read(t.dlq(), 1, WAIT);
            assertThat(dead).extracting(r -> text(r.key())).containsExactly("refused");
            assertThat(header(dead.get(0), "dlq.reason")).startsWith("the sink refused an event of this record (RecordTooLargeException)");
            assertThat(header(dead.get(0), "dlq.source.offset")).isEqualTo("1");
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 3)).isTrue();
            List<String> out = values(records.readToEnd(t.sink()));
            assertThat(out).containsExactlyInAnyOrder("{\"id\":\"b1\"}", "{\"id\":\"a1\"}");
            assertThat(records.readToEnd(t.dlq())).hasSize(1);
        }
    }

    @Test
    void a_dead_letter_too_large_for_its_topic_is_written_without_its_value() {
        Topics t = Topics.fresh();
        String notJson = "not json " + "z".repeat(4000);
        records.send(t.source(), "big-bad", notJson);
        records.send(t.source(), "good", "{\"events\":[{\"id\":\"g\"}]}");
        Map<String, String> settings = t.settings("$.id");
        settings.put("splitter.producer.max.request.size", "2048");
        try (var app = io.kafkasteps.testing.RunningApp.start(settings, "batch-to-stream")) {
            List<ConsumerRecord<byte[], byte[]>> dead = records.read(t.dlq(), 1, WAIT);
            assertThat(text(dead.get(0).key())).isEqualTo("big-bad");
            assertThat(dead.get(0).value()).isNull();
            assertThat(header(dead.get(0), "dlq.value.omitted")).startsWith(notJson.length() + " bytes");
            assertThat(header(dead.get(0), "dlq.reason")).startsWith("value is not valid JSON");
            assertThat(values(records.read(t.sink(), 1, WAIT))).containsExactly("{\"id\":\"g\"}");
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 2)).isTrue();
        }
    }

    @Test
    void a_dead_letter_the_dead_letter_topic_refuses_is_written_without_its_value() {
        Topics t = Topics.fresh();
        String dlq = t.dlq() + "-small";
        records.createTopic(dlq, Map.of("max.message.bytes", "50000"));
        String notJson = "not json " + "z".repeat(100_000);
        records.send(t.source(), "big-bad", notJson);
        records.send(t.source(), "good", "{\"events\":[{\"id\":\"g\"}]}");
        Map<String, String> settings = t.settings("$.id");
        settings.put("splitter.dlq.topic", dlq);
        try (var app = io.kafkasteps.testing.RunningApp.start(settings, "batch-to-stream")) {
            List<ConsumerRecord<byte[], byte[]>> dead = records.read(dlq, 1, WAIT);
            assertThat(text(dead.get(0).key())).isEqualTo("big-bad");
            assertThat(dead.get(0).value()).isNull();
            assertThat(header(dead.get(0), "dlq.value.omitted")).startsWith(notJson.length() + " bytes");
            assertThat(values(records.read(t.sink(), 1, WAIT))).containsExactly("{\"id\":\"g\"}");
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 2)).isTrue();
            assertThat(records.readToEnd(dlq)).hasSize(1);
        }
    }

    @Test
    void a_step_failing_inside_the_split_dead_letters_the_whole_record_never_part_of_it() throws Exception {
        Topics t = Topics.fresh();
        Path routes = Files.createDirectories(temp.resolve("routes"));
        String yaml = Files.readString(Path.of("routes/batch-to-stream.camel.yaml"), StandardCharsets.UTF_8);
        String marker = "                                  # The record value: the event as compact JSON.\n";
        assertThat(yaml).contains(marker);
        String failing = """
                - filter:
                    simple: "${body[boom]} == true"
                    steps:
                      - throwException:
                          exceptionType: java.lang.IllegalStateException
                          message: "this event cannot be handled"
                """.indent(34);
        Files.writeString(routes.resolve("batch-to-stream.camel.yaml"), yaml.replace(marker, failing + marker), StandardCharsets.UTF_8);
        records.send(t.source(), "mixed", "{\"events\":[{\"id\":\"m1\"},{\"id\":\"m2\",\"boom\":true},{\"id\":\"m3\"}]}");
        records.send(t.source(), "good", "{\"events\":[{\"id\":\"g1\"}]}");
        Settings settings = Settings.load(Path.of("application.properties"), Map.of(), Map.of())
                .withCommandLine(withManagementOff(t.settings("$.id")));
        KafkaSteps app = new KafkaSteps(List.of("batch-to-stream"), routes, settings);
        app.start();
        try {
            List<ConsumerRecord<byte[], byte[]>> dead = records.read(t.dlq(), 1, WAIT);
            assertThat(text(dead.get(0).key())).isEqualTo("mixed");
            assertThat(header(dead.get(0), "dlq.reason")).isEqualTo("this event cannot be handled");
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 2)).isTrue();
            assertThat(values(records.readToEnd(t.sink()))).as("no event of the failed record, the good one once")
                    .containsExactly("{\"id\":\"g1\"}");
        } finally {
            app.stop();
        }
    }

    private static Map<String, String> withManagementOff(Map<String, String> settings) {
        settings.put("camel.management.port", "0");
        return settings;
    }

}
