package io.kafkasteps.splitter;

import static io.kafkasteps.testing.Records.header;
import static io.kafkasteps.testing.Records.text;
import static io.kafkasteps.testing.Records.values;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.RunningApp;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The batch-to-stream route against a real broker; every assertion reads records back from it. */
class SplitterIT extends SplitterTestBase {

    @Test
    void splits_batches_in_order_with_keys_from_each_event() {
        Topics t = Topics.fresh();
        records.send(t.source(), "batch-key", "{\"events\":[{\"id\":\"a\",\"n\":1},{\"id\":\"b\",\"n\":2},{\"id\":\"c\",\"n\":3}]}");
        records.send(t.source(), null, "{\"events\":[{\"id\":\"d\",\"n\":4}]}");
        try (RunningApp app = RunningApp.start(t.settings("$.id"), "batch-to-stream")) {
            List<ConsumerRecord<byte[], byte[]>> out = records.read(t.sink(), 4, WAIT);
            assertThat(values(out)).containsExactly(
                    "{\"id\":\"a\",\"n\":1}", "{\"id\":\"b\",\"n\":2}", "{\"id\":\"c\",\"n\":3}", "{\"id\":\"d\",\"n\":4}");
            assertThat(out).extracting(r -> text(r.key())).containsExactly("a", "b", "c", "d");
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 2)).isTrue();
            assertThat(records.readToEnd(t.dlq())).isEmpty();
        }
    }

    @Test
    void key_forms_string_number_object_and_missing() {
        Topics t = Topics.fresh();
        records.send(t.source(), "parent", "{\"events\":[{\"id\":\"s\"},{\"id\":7},{\"id\":{\"a\":[1,2]}},{\"x\":1},{\"id\":null},{\"id\":true}]}");
        try (RunningApp app = RunningApp.start(t.settings("$.id"), "batch-to-stream")) {
            List<ConsumerRecord<byte[], byte[]>> out = records.read(t.sink(), 6, WAIT);
            assertThat(out).extracting(r -> text(r.key())).containsExactly("s", "7", "{\"a\":[1,2]}", null, null, "true");
        }
    }

    @Test
    void big_numbers_and_unicode_round_trip_exactly() {
        Topics t = Topics.fresh();
        String event = "{\"big\":123456789012345678901234567890,\"dec\":0.1000000000000000055511151231257827,"
                + "\"s\":\"日本語 ✓ 😀 \\\"q\\\" \\\\ \\t\"}";
        records.send(t.source(), null, "{\"events\":[" + event + "]}");
        try (RunningApp app = RunningApp.start(t.settings(""), "batch-to-stream")) {
            List<ConsumerRecord<byte[], byte[]>> out = records.read(t.sink(), 1, WAIT);
            assertThat(values(out)).containsExactly(event);
            assertThat(out.get(0).key()).isNull();
        }
    }

    @Test
    void source_headers_reach_every_event_and_nothing_internal_leaks() {
        Topics t = Topics.fresh();
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", "t-1".getBytes(UTF_8));
        headers.add("schema", new byte[] {0, 1, 2, (byte) 0xff});
        records.send(t.source(), null, "k".getBytes(UTF_8), "{\"events\":[{\"id\":1},{\"id\":2}]}".getBytes(UTF_8), null, headers);
        try (RunningApp app = RunningApp.start(t.settings("$.id"), "batch-to-stream")) {
            List<ConsumerRecord<byte[], byte[]>> out = records.read(t.sink(), 2, WAIT);
            assertThat(out).hasSize(2);
            for (ConsumerRecord<byte[], byte[]> r : out) {
                assertThat(header(r, "trace-id")).isEqualTo("t-1");
                assertThat(r.headers().lastHeader("schema").value()).containsExactly(0, 1, 2, 0xff);
                assertThat(r.headers()).extracting(h -> h.key()).containsExactlyInAnyOrder("trace-id", "schema");
            }
        }
    }

    @Test
    void empty_batch_and_tombstone_are_consumed_without_output_or_dead_letter() {
        Topics t = Topics.fresh();
        records.send(t.source(), null, "{\"events\":[]}");
        records.send(t.source(), "gone", null);
        records.send(t.source(), null, "{\"events\":[{\"id\":1}]}");
        try (RunningApp app = RunningApp.start(t.settings("$.id"), "batch-to-stream")) {
            assertThat(values(records.read(t.sink(), 1, WAIT))).containsExactly("{\"id\":1}");
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 3)).isTrue();
            assertThat(app.progress("splitterProgress").tombstones()).isEqualTo(1);
            assertThat(app.progress("splitterProgress").batches()).isEqualTo(2);
            assertThat(records.readToEnd(t.dlq())).isEmpty();
        }
    }
}
