package io.kafkasteps.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class FetchStampsTest {

    private final CamelContext context = new DefaultCamelContext();

    private Message handedOver(ConsumerRecord<byte[], byte[]> r) {
        Message m = new DefaultMessage(context);
        m.setHeader(KafkaConstants.HEADERS, r.headers());
        return m;
    }

    private static ConsumerRecords<byte[], byte[]> poll(ConsumerRecord<byte[], byte[]>... records) {
        return new ConsumerRecords<>(Map.of(new TopicPartition("t", 0), List.of(records)));
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset) {
        return new ConsumerRecord<>("t", 0, offset, null, new byte[] {1});
    }

    @Test
    void records_fetched_before_a_rewind_are_left_out_and_those_fetched_after_it_go_on() {
        FetchStamps stamps = new FetchStamps();
        ConsumerRecord<byte[], byte[]> held = record(150);
        stamps.fetched(poll(held));
        stamps.rewound();   // the route set the consumer back while camel held the poll
        ConsumerRecord<byte[], byte[]> again = record(100);
        stamps.fetched(poll(again));

        assertThat(stamps.current(handedOver(held))).as("fetched before the rewind: read again").isFalse();
        assertThat(stamps.current(handedOver(again))).as("fetched after it").isTrue();
    }

    @Test
    void a_record_it_never_stamped_goes_on() {
        assertThat(new FetchStamps().current(handedOver(record(1)))).isTrue();
    }
}
