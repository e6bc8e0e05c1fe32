package io.kafkasteps.reflector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class InFlightRecordsTest {

    private static final TopicPartition A = new TopicPartition("t", 0);
    private static final TopicPartition B = new TopicPartition("t", 1);

    private final InFlightRecords<String> inFlight = new InFlightRecords<>();

    @Test
    void commits_each_partition_up_to_its_first_record_not_acknowledged() {
        var a10 = inFlight.add(A, 10, "a10", 3);
        var a11 = inFlight.add(A, 11, "a11", 3);
        var a12 = inFlight.add(A, 12, "a12", 3);
        var b5 = inFlight.add(B, 5, "b5", 2);
        a10.onCompletion(null, null);
        a12.onCompletion(null, null);   // acknowledged, but after a record that is not
        b5.onCompletion(null, null);

        assertThat(inFlight.takeCommittable()).isEqualTo(Map.of(A, 11L, B, 6L));
        assertThat(inFlight.size()).isEqualTo(2);
        assertThat(inFlight.bytes()).isEqualTo(6);

        a11.onCompletion(null, null);
        assertThat(inFlight.takeCommittable()).isEqualTo(Map.of(A, 13L));
        assertThat(inFlight.size()).isZero();
        assertThat(inFlight.bytes()).isZero();
        assertThat(inFlight.takeCommittable()).isEmpty();
    }

    @Test
    void nothing_is_committed_while_the_first_record_is_outstanding() {
        inFlight.add(A, 0, "a0", 1);
        inFlight.add(A, 1, "a1", 1).onCompletion(null, null);
        assertThat(inFlight.takeCommittable()).isEmpty();
    }

    @Test
    void a_failure_sends_that_record_and_every_later_one_of_its_partition_again_in_order() {
        var a0 = inFlight.add(A, 0, "a0", 1);
        var a1 = inFlight.add(A, 1, "a1", 1);
        var a2 = inFlight.add(A, 2, "a2", 1);
        var b0 = inFlight.add(B, 0, "b0", 1);
        a0.onCompletion(null, null);
        a1.onCompletion(null, new RuntimeException("sink down"));
        a2.onCompletion(null, null);   // written after the failed one: sent again too, to keep the last copy last
        b0.onCompletion(null, null);
        assertThat(inFlight.firstFailure()).hasMessage("sink down");

        List<InFlightRecords.Entry<String>> again = inFlight.resendFromFirstFailure();
        assertThat(again).extracting(e -> e.record).containsExactly("a1", "a2");
        assertThat(inFlight.firstFailure()).isNull();
        assertThat(inFlight.takeCommittable()).isEqualTo(Map.of(A, 1L, B, 1L));

        again.forEach(e -> e.onCompletion(null, null));
        assertThat(inFlight.takeCommittable()).isEqualTo(Map.of(A, 3L));
    }

    @Test
    void partitions_no_longer_owned_are_forgotten_and_never_committed() {
        inFlight.add(A, 0, "a0", 4).onCompletion(null, null);
        inFlight.add(B, 0, "b0", 4).onCompletion(null, null);
        inFlight.retainOnly(List.of(B));
        assertThat(inFlight.bytes()).isEqualTo(4);
        assertThat(inFlight.takeCommittable()).isEqualTo(Map.of(B, 1L));
    }
}
