package io.kafkasteps.splitter;

import static io.kafkasteps.testing.Records.header;
import static io.kafkasteps.testing.Records.text;
import static io.kafkasteps.testing.Records.values;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.RunningApp;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Bad input goes to the dead-letter topic with its reason, and the route goes on. */
class SplitterBadInputIT extends SplitterTestBase {

    @Test
    void every_class_of_bad_input_is_dead_lettered_with_its_reason_and_the_route_goes_on() {
        Topics t = Topics.fresh();
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("not-json", "this is not json");
        bad.put("truncated", "{\"events\":[{\"id\":1}");
        bad.put("scalar", "42");
        bad.put("missing-path", "{\"other\":[1]}");
        bad.put("path-to-object", "{\"events\":{\"id\":1}}");
        bad.put("path-to-string", "{\"events\":\"abc\"}");
        bad.put("duplicate-keys", "{\"events\":[1],\"events\":[2]}");
        RecordHeaders headers = new RecordHeaders();
        headers.add("origin", "test".getBytes(UTF_8));
        for (var e : bad.entrySet()) {
            records.send(t.source(), null, e.getKey().getBytes(UTF_8), e.getValue().getBytes(UTF_8), null, headers);
        }
        records.send(t.source(), null, "invalid-utf8".getBytes(UTF_8), new byte[] {'{', '"', 'e', '"', ':', '"', (byte) 0xc3, '"', '}'}, null, headers);
        records.send(t.source(), "good", "{\"events\":[{\"id\":\"after\"}]}");
        int badCount = bad.size() + 1;

        try (RunningApp app = RunningApp.start(t.settings("$.id"), "batch-to-stream")) {
            assertThat(values(records.read(t.sink(), 1, WAIT))).containsExactly("{\"id\":\"after\"}");
            List<ConsumerRecord<byte[], byte[]>> dead = records.read(t.dlq(), badCount, WAIT);
            assertThat(dead).extracting(r -> text(r.key()))
                    .containsExactly("not-json", "truncated", "scalar", "missing-path", "path-to-object", "path-to-string",
                            "duplicate-keys", "invalid-utf8");
            for (ConsumerRecord<byte[], byte[]> r : dead) {
                String key = text(r.key());
                if (!key.equals("invalid-utf8")) {
                    assertThat(text(r.value())).as("original value of %s", key).isEqualTo(bad.get(key));
                }
                assertThat(header(r, "origin")).as("original header of %s", key).isEqualTo("test");
                assertThat(header(r, "dlq.reason")).as("reason of %s", key).isNotBlank().doesNotContain("\n");
                assertThat(header(r, "dlq.error.class")).isEqualTo(BadBatchException.class.getName());
                assertThat(header(r, "dlq.source.topic")).isEqualTo(t.source());
                assertThat(header(r, "dlq.source.partition")).isEqualTo("0");
                assertThat(header(r, "dlq.source.offset")).isEqualTo(String.valueOf(r.offset()));
            }
            assertThat(reasonOf(dead, "not-json")).startsWith("value is not valid JSON");
            assertThat(reasonOf(dead, "missing-path")).startsWith("batch path $.events[*] not found");
            assertThat(reasonOf(dead, "path-to-object")).isEqualTo("batch path $.events[*] holds an object, not an array");
            assertThat(reasonOf(dead, "duplicate-keys")).contains("Duplicate field 'events'");
            assertThat(reasonOf(dead, "invalid-utf8")).contains("UTF-8");
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == badCount + 1)).isTrue();
            assertThat(app.progress("splitterProgress").deadLetters()).isEqualTo(badCount);
        }
    }

    @Test
    void an_event_larger_than_a_sink_record_allows_dead_letters_its_batch_before_anything_is_sent() {
        Topics t = Topics.fresh();
        String big = "x".repeat(3100);
        records.send(t.source(), "big", "{\"events\":[{\"id\":1,\"blob\":\"" + big + "\"}]}");
        records.send(t.source(), "small", "{\"events\":[{\"id\":2}]}");
        Map<String, String> settings = t.settings("$.id");
        settings.put("splitter.producer.max.request.size", "2048");
        try (RunningApp app = RunningApp.start(settings, "batch-to-stream")) {
            assertThat(values(records.read(t.sink(), 1, WAIT))).containsExactly("{\"id\":2}");
            List<ConsumerRecord<byte[], byte[]>> dead = records.read(t.dlq(), 1, WAIT);
            assertThat(dead).extracting(r -> text(r.key())).containsExactly("big");
            assertThat(header(dead.get(0), "dlq.error.class")).isEqualTo(BadBatchException.class.getName());
            assertThat(header(dead.get(0), "dlq.reason")).startsWith("event 1 of 1 is 3").contains("larger than a sink record allows");
        }
    }

    @Test
    void an_undeliverable_dead_letter_is_retried_and_its_offset_not_committed() {
        Topics t = Topics.fresh();
        String dlq = t.dlq() + "-late";
        records.send(t.source(), "bad", "not json");
        Map<String, String> settings = t.settings("$.id");
        settings.put("splitter.dlq.topic", dlq);
        settings.put("splitter.producer.max.block.ms", "500");
        try (RunningApp app = RunningApp.start(settings, "batch-to-stream")) {
            var inflight = app.app().context().getInflightRepository();
            assertThat(Records.eventually(WAIT, () -> inflight.browse().stream().anyMatch(e -> e.getDuration() > 3000)))
                    .as("the dead letter is held and retried").isTrue();
            assertThat(records.committed(t.group(), t.source())).isZero();
            records.createTopics(1, dlq);
            assertThat(records.read(dlq, 1, WAIT)).extracting(r -> text(r.key())).containsExactly("bad");
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 1)).isTrue();
        }
    }

    private static String reasonOf(List<ConsumerRecord<byte[], byte[]>> dead, String key) {
        return dead.stream().filter(r -> key.equals(text(r.key()))).map(r -> header(r, "dlq.reason")).findFirst().orElseThrow();
    }
}
