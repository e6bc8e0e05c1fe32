package io.kafkasteps.splitter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;

/** Records are measured as the Kafka producer measures them, key and headers included. */
class SinkRecordLimitTest {

    private final CamelContext context = new DefaultCamelContext();

    private Exchange event(String key, String value, String header, String headerValue) {
        Exchange e = new DefaultExchange(context);
        e.getMessage().setHeader("kafka.KEY", key);
        e.getMessage().setHeader("CamelInternal", "never written");
        if (header != null) {
            e.getMessage().setHeader(header, headerValue.getBytes(UTF_8));
        }
        e.getMessage().setBody(value.getBytes(UTF_8));
        return e;
    }

    private static int producerSize(String key, String value, String header, String headerValue) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
                key.getBytes(UTF_8), value.getBytes(UTF_8),
                new org.apache.kafka.common.header.Header[] {new RecordHeader(header, headerValue.getBytes(UTF_8))});
    }

    @Test
    void a_record_is_measured_with_its_key_and_the_headers_kafka_will_carry() {
        SinkRecordLimit limit = new SinkRecordLimit(1_000_000, "none");
        limit.setCamelContext(context);
        Exchange e = event("k".repeat(100), "{\"id\":1}", "trace", "t".repeat(50));
        assertThat(limit.sizeOf(e.getMessage())).isEqualTo(producerSize("k".repeat(100), "{\"id\":1}", "trace", "t".repeat(50)));
    }

    @Test
    void an_event_whose_key_and_headers_push_it_over_the_limit_is_bad_input() {
        String value = "x".repeat(500);
        int fits = producerSize("k", value, "h", "v");
        SinkRecordLimit limit = new SinkRecordLimit(fits + 10, "none");
        limit.setCamelContext(context);
        Exchange batch = new DefaultExchange(context);
        batch.getMessage().setBody(List.of(event("k", value, "h", "v"), event("k".repeat(40), value, "h", "v")));
        assertThatThrownBy(() -> limit.checkEvents(batch)).isInstanceOf(BadBatchException.class)
                .hasMessageStartingWith("event 2 of 2 is ").hasMessageContaining("larger than a sink record allows");
        batch.getMessage().setBody(List.of(event("k", value, "h", "v")));
        limit.checkEvents(batch);
    }

    @Test
    void a_dead_letter_too_large_loses_its_value_and_says_so() {
        SinkRecordLimit limit = new SinkRecordLimit(400, "none");
        limit.setCamelContext(context);
        Exchange dead = event("key", "v".repeat(1000), "origin", "test");
        limit.fitDeadLetter(dead);
        assertThat(dead.getMessage().getBody()).isNull();
        assertThat(new String(dead.getMessage().getHeader("dlq.value.omitted", byte[].class), UTF_8)).startsWith("1000 bytes");
        assertThat(dead.getMessage().getHeader("origin")).as("the source headers stay while they fit").isNotNull();
        assertThat(limit.sizeOf(dead.getMessage())).isLessThanOrEqualTo(400);
    }

    @Test
    void a_dead_letter_whose_headers_alone_are_too_large_loses_them_too() {
        SinkRecordLimit limit = new SinkRecordLimit(400, "none");
        limit.setCamelContext(context);
        Exchange dead = event("key", "v", "huge", "h".repeat(1000));
        limit.fitDeadLetter(dead);
        assertThat(dead.getMessage().getHeader("huge")).isNull();
        assertThat(dead.getMessage().getHeader("dlq.headers.omitted")).isNotNull();
        assertThat(limit.sizeOf(dead.getMessage())).isLessThanOrEqualTo(400);
    }
}
