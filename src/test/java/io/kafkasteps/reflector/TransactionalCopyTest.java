package io.kafkasteps.reflector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TransactionalCopyTest {

    record Polled(String topic, int partition, long offset) {
    }

    @Test
    void a_poll_is_one_part_per_source_partition_in_offset_order_each_knowing_where_its_partition_reads_on() {
        List<Polled> poll = List.of(new Polled("a", 0, 10), new Polled("a", 1, 3), new Polled("a", 0, 11), new Polled("b", 0, 7),
                new Polled("a", 1, 4), new Polled("a", 0, 12));
        List<TransactionalCopy.Part> parts = TransactionalCopy.parts(poll, p -> new TopicPartition(p.topic(), p.partition()), Polled::offset,
                p -> new ProducerRecord<>("sink", String.valueOf(p.offset()).getBytes()));

        assertThat(parts).extracting(TransactionalCopy.Part::source)
                .containsExactly(new TopicPartition("a", 0), new TopicPartition("a", 1), new TopicPartition("b", 0));
        assertThat(parts).extracting(TransactionalCopy.Part::nextOffset).containsExactly(13L, 5L, 8L);
        assertThat(parts.get(0).copies()).extracting(r -> new String(r.value())).containsExactly("10", "11", "12");
        assertThat(parts.get(1).copies()).extracting(r -> new String(r.value())).containsExactly("3", "4");
    }
}
