package io.kafkasteps.faults;

import static io.kafkasteps.testing.Records.header;
import static io.kafkasteps.testing.Records.text;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.RunningApp;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The catalogue of hostile input for batch-to-stream (the one place it lives), one case per test or table row, all through one running
 * application on one source topic: each case is a record followed by a good record, and each
 * proves its own outcome (the exact events split, or a dead letter with its reason) and that the
 * route went on (the good record after it was split). The outcomes make the report's table.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SplitterHostileInputIT {

    static final String SOURCE = "hostile-batches", SINK = "hostile-events", DLQ = "hostile-events.dlq", GROUP = "hostile";
    static final Duration WAIT = Duration.ofSeconds(90);
    static final List<String[]> TABLE = Collections.synchronizedList(new ArrayList<>());

    static EmbeddedKafka kafka;
    static Records records;
    static RunningApp app;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        records = new Records(kafka.bootstrapServers());
        records.createTopics(1, SOURCE, SINK, DLQ);
        Map<String, String> s = new HashMap<>();
        s.put("splitter.brokers", kafka.bootstrapServers());
        s.put("splitter.source.topic", SOURCE);
        s.put("splitter.sink.topic", SINK);
        s.put("splitter.group.id", GROUP);
        s.put("splitter.batch.path", "$.events[*]");
        s.put("splitter.key.path", "$.id");
        s.put("splitter.poll.timeout.ms", "200");
        app = RunningApp.start(s, "batch-to-stream");
    }

    @AfterAll
    static void stop() {
        try {
            StringBuilder md = new StringBuilder("batch-to-stream, batch path `$.events[*]`, key path `$.id`, default limits"
                    + " (`max.request.size` 1048576). Every case is followed by a good record, which was split each time.\n\n");
            md.append(FaultReport.row("input", "what it gets", "`dlq.reason` / events out"));
            md.append("|---|---|---|\n");
            synchronized (TABLE) {
                TABLE.forEach(r -> md.append(FaultReport.row((Object[]) r)));
            }
            FaultReport.section("4-splitter-hostile-input", "What bad input gets (" + TABLE.size() + " classes)", md.toString());
        } finally {
            if (app != null) {
                app.close();
            }
            records.close();
            kafka.close();
        }
    }

    /** What one hostile record produced: the events split from it and its dead letters. */
    record Outcome(List<ConsumerRecord<byte[], byte[]>> events, List<ConsumerRecord<byte[], byte[]>> deadLetters, long sourceOffset) {

        List<String> values() {
            return Records.values(events);
        }

        List<String> keys() {
            return events.stream().map(r -> text(r.key())).toList();
        }

        String reason() {
            assertThat(deadLetters).as("one dead letter").hasSize(1);
            return header(deadLetters.get(0), "dlq.reason");
        }
    }

    /** Sends the record and a good one after it; waits until the good one is split; returns what the first produced. */
    static Outcome feed(String name, byte[] value) {
        long sinkFrom = records.end(SINK);
        long dlqFrom = records.end(DLQ);
        long sourceOffset = records.end(SOURCE);
        RecordHeaders headers = new RecordHeaders();
        headers.add("case", name.getBytes(UTF_8));
        records.send(SOURCE, null, name.getBytes(UTF_8), value, null, headers);
        String marker = "{\"id\":\"after-" + name + "\"}";
        records.send(SOURCE, "after-" + name, "{\"events\":[" + marker + "]}");
        List<ConsumerRecord<byte[], byte[]>> out = records.readFrom(SINK, sinkFrom,
                got -> !got.isEmpty() && marker.equals(text(got.get(got.size() - 1).value())), WAIT);
        assertThat(out).as("the route goes on: the good record after %s is split", name).isNotEmpty();
        assertThat(text(out.get(out.size() - 1).value())).as("the good record after %s is split", name).isEqualTo(marker);
        List<ConsumerRecord<byte[], byte[]>> dead = records.readFrom(DLQ, dlqFrom, got -> false, Duration.ofMillis(300));
        assertThat(Records.eventually(WAIT, () -> records.committed(GROUP, SOURCE) == sourceOffset + 2))
                .as("%s and the good record are committed", name).isTrue();
        return new Outcome(out.subList(0, out.size() - 1), dead, sourceOffset);
    }

    static Outcome feed(String name, String value) {
        return feed(name, value.getBytes(UTF_8));
    }

    /** Asserts a dead letter: nothing split, original key, value and headers, and where it came from. */
    static String deadLettered(String name, byte[] value, Outcome o, String reasonStart) {
        assertThat(o.events()).as("nothing of %s reaches the sink", name).isEmpty();
        String reason = o.reason();
        ConsumerRecord<byte[], byte[]> d = o.deadLetters().get(0);
        assertThat(text(d.key())).isEqualTo(name);
        assertThat(d.value()).as("the original value").isEqualTo(value);
        assertThat(header(d, "case")).as("the original header").isEqualTo(name);
        assertThat(header(d, "dlq.source.topic")).isEqualTo(SOURCE);
        assertThat(header(d, "dlq.source.partition")).isEqualTo("0");
        assertThat(header(d, "dlq.source.offset")).isEqualTo(String.valueOf(o.sourceOffset()));
        assertThat(header(d, "dlq.error.class")).isNotBlank();
        assertThat(reason).as("reason of %s", name).startsWith(reasonStart).doesNotContain("\n");
        TABLE.add(new String[] {name, "dead letter", "`" + (reason.length() > 140 ? reason.substring(0, 140) + "..." : reason) + "`"});
        return reason;
    }

    static void split(String name, Outcome o, String summary) {
        assertThat(o.deadLetters()).as("no dead letter for %s", name).isEmpty();
        TABLE.add(new String[] {name, "split", summary});
    }

    static String depth(int levels, String inner) {
        return "[".repeat(levels) + inner + "]".repeat(levels);
    }

    /**
     * Input that is not a batch: not JSON at all, or JSON without an array at the batch path. Each
     * row: the case, the record's value, how its reason starts, and what else the reason says.
     */
    static Stream<Arguments> not_a_batch() {
        byte[] invalidUtf8 = {'{', '"', 'e', 'v', 'e', 'n', 't', 's', '"', ':', '[', '"', (byte) 0xc3, (byte) 0x28, '"', ']', '}'};
        return Stream.of(
                row("not JSON", "this is not json", "value is not valid JSON", ""),
                row("truncated JSON", "{\"events\":[{\"id\":1},{\"id\":", "value is not valid JSON", ""),
                row("trailing garbage", "{\"events\":[{\"id\":1}]} }", "value is not valid JSON", ""),
                row("empty value (0 bytes)", "", "value is empty", ""),
                Arguments.of("invalid UTF-8", invalidUtf8, "value is not valid JSON: Invalid UTF-8", ""),
                row("duplicate JSON keys", "{\"events\":[{\"id\":\"a\",\"id\":\"b\"}]}", "value is not valid JSON", "Duplicate field 'id'"),
                row("nesting depth 1500", "{\"events\":[" + depth(1500, "1") + "]}", "value is not valid JSON", "nesting depth"),
                row("JSON scalar (42)", "42", "batch path $.events[*] not found", ""),
                row("batch path missing", "{\"other\":[{\"id\":1}]}", "batch path $.events[*] not found", ""),
                row("top-level array", "[{\"id\":1}]", "batch path $.events[*] not found", ""),
                row("path to an object", "{\"events\":{\"id\":1}}", "batch path $.events[*] holds an object, not an array", ""),
                row("path to a string", "{\"events\":\"[1,2]\"}", "batch path $.events[*] holds a string, not an array", ""),
                row("path to null", "{\"events\":null}", "batch path $.events[*] holds null, not an array", ""));
    }

    private static Arguments row(String name, String value, String reasonStart, String reasonHas) {
        return Arguments.of(name, value.getBytes(UTF_8), reasonStart, reasonHas);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("not_a_batch")
    @Order(1)
    void a_record_that_is_not_a_batch_is_dead_lettered_with_its_reason_and_the_next_one_is_split(String name, byte[] value,
            String reasonStart, String reasonHas) {
        Outcome o = feed(name, value);
        assertThat(deadLettered(name, value, o, reasonStart)).contains(reasonHas);
        assertThat(header(o.deadLetters().get(0), "dlq.error.class")).isEqualTo(io.kafkasteps.splitter.BadBatchException.class.getName());
    }

    // ---- valid batches that are unusual ------------------------------------------------------

    @Test
    @Order(20)
    void an_empty_array_is_a_batch_of_nothing_and_is_committed() {
        Outcome o = feed("empty array", "{\"events\":[]}");
        assertThat(o.events()).isEmpty();
        split("empty array", o, "0 events; committed");
    }

    @Test
    @Order(21)
    void a_tombstone_is_skipped_counted_and_committed() {
        long before = app.progress("splitterProgress").tombstones();
        Outcome o = feed("tombstone (null value)", (byte[]) null);
        assertThat(o.events()).isEmpty();
        assertThat(o.deadLetters()).isEmpty();
        assertThat(app.progress("splitterProgress").tombstones()).isEqualTo(before + 1);
        TABLE.add(new String[] {"tombstone (null value)", "skipped, counted", "0 events; committed"});
    }

    @Test
    @Order(22)
    void nulls_inside_the_array_are_events_with_no_key() {
        Outcome o = feed("nulls in the array", "{\"events\":[null,{\"id\":\"n1\"},null]}");
        assertThat(o.values()).containsExactly("null", "{\"id\":\"n1\"}", "null");
        assertThat(o.keys()).containsExactly(null, "n1", null);
        split("nulls in the array", o, "3 events `null`, `{\"id\":\"n1\"}`, `null`; keys none, n1, none");
    }

    @Test
    @Order(23)
    void scalars_and_nested_arrays_are_events() {
        Outcome o = feed("scalars and nested arrays", "{\"events\":[[1,[2]], \"s\", true, 1.0, []]}");
        assertThat(o.values()).containsExactly("[1,[2]]", "\"s\"", "true", "1.0", "[]");
        split("scalars and nested arrays", o, "5 events, compact, in order");
    }

    @Test
    @Order(24)
    void an_event_nested_500_deep_is_split_unchanged() {
        String event = "{\"id\":\"deep\",\"d\":" + depth(500, "{\"x\":1}") + "}";
        Outcome o = feed("nesting depth 500", "{\"events\":[" + event + "]}");
        assertThat(o.values()).containsExactly(event);
        assertThat(o.keys()).containsExactly("deep");
        split("nesting depth 500", o, "1 event, byte-identical");
    }

    @Test
    @Order(25)
    void a_batch_of_100k_events_in_one_record_is_split_fully_in_order() {
        StringBuilder sb = new StringBuilder("{\"events\":[");
        for (int i = 0; i < 100_000; i++) {
            sb.append(i == 0 ? "" : ",").append(i);
        }
        String value = sb.append("]}").toString();
        long began = System.nanoTime();
        Outcome o = feed("100k events in one record", value);
        long took = System.nanoTime() - began;
        List<String> values = o.values();
        assertThat(values).hasSize(100_000);
        for (int i = 0; i < 100_000; i++) {
            if (!values.get(i).equals(String.valueOf(i))) {
                assertThat(values.get(i)).as("event %d in batch order", i).isEqualTo(String.valueOf(i));
            }
        }
        split("100k events in one record", o, "100000 events in order (" + value.length() + " B record, " + FaultReport.seconds(took) + " s)");
    }

    @Test
    @Order(26)
    void a_record_near_the_size_limit_is_split() {
        int size = 1_040_000;
        String head = "{\"id\":\"near\",\"blob\":\"";
        String event = head + "x".repeat(size - head.length() - 2) + "\"}";
        assertThat(event).hasSize(size);
        Outcome o = feed("event near the size limit", "{\"events\":[" + event + "]}");
        assertThat(o.values()).containsExactly(event);
        split("event near the size limit", o, "1 event of " + size + " B (limit 1048576), unchanged");
    }

    @Test
    @Order(27)
    void numbers_beyond_64_bits_and_long_decimals_keep_every_digit() {
        String event = "{\"id\":\"num\",\"big\":123456789012345678901234567890123456789,\"neg\":-9223372036854775809,"
                + "\"pi\":3.14159265358979323846264338327950288419716939937510,\"zeros\":1.500,\"tiny\":1e-400,\"exp\":1e400}";
        Outcome o = feed("numbers beyond 64 bits, long decimals", "{\"events\":[" + event + "]}");
        String expected = event.replace("1e-400", "1E-400").replace("1e400", "1E+400");
        assertThat(o.values()).containsExactly(expected);
        split("numbers beyond 64 bits, long decimals", o, "every digit kept (`1e400` written `1E+400`)");
    }

    @Test
    @Order(28)
    void unicode_and_escapes_are_kept() {
        String in = "{\"id\":\"uni-\\u00e9\\ud83d\\ude00\",\"s\":\"caf\\u00e9 \\ud83d\\ude00 日本 \\\"q\\\" \\\\ \\/ \\n\\t\\u0000\",\"lone\":\"\\ud800\"}";
        String out = "{\"id\":\"uni-é😀\",\"s\":\"café 😀 日本 \\\"q\\\" \\\\ / \\n\\t\\u0000\",\"lone\":\"\\uD800\"}";
        Outcome o = feed("unicode and escapes", "{\"events\":[" + in + "]}");
        assertThat(o.values()).containsExactly(out);
        assertThat(o.keys()).containsExactly("uni-é😀");
        split("unicode and escapes", o, "pairs to UTF-8, lone surrogate stays escaped; key `uni-é😀`");
    }

    @Test
    @Order(29)
    void a_key_path_that_yields_an_array_keys_the_event_with_its_json() {
        Outcome o = feed("key path yields an array", "{\"events\":[{\"id\":[1,\"a\",null]},{\"id\":{\"k\":1}}]}");
        assertThat(o.values()).containsExactly("{\"id\":[1,\"a\",null]}", "{\"id\":{\"k\":1}}");
        assertThat(o.keys()).containsExactly("[1,\"a\",null]", "{\"k\":1}");
        split("key path yields an array (or object)", o, "keys `[1,\"a\",null]`, `{\"k\":1}`");
    }
}
