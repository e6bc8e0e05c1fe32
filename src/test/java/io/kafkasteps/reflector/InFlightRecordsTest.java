package io.kafkasteps.reflector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class InFlightRecordsTest {

    private static final TopicPartition A = new TopicPartition("t", 0);
    private static final TopicPartition B = new TopicPartition("t", 1);

    private final InFlightRecords inFlight = new InFlightRecords();

    @Test
    void commits_each_partition_up_to_its_first_record_not_acknowledged() {
        var a10 = inFlight.add(A, 10, 3);
        var a11 = inFlight.add(A, 11, 3);
        var a12 = inFlight.add(A, 12, 3);
        var b5 = inFlight.add(B, 5, 2);
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
        inFlight.add(A, 0, 1);
        inFlight.add(A, 1, 1).onCompletion(null, null);
        assertThat(inFlight.takeCommittable()).isEmpty();
    }

    @Test
    void a_failure_rewinds_its_partition_to_the_failed_record_and_forgets_every_later_one() {
        var a0 = inFlight.add(A, 0, 1);
        var a1 = inFlight.add(A, 1, 1);
        var a2 = inFlight.add(A, 2, 1);
        var b0 = inFlight.add(B, 0, 1);
        a0.onCompletion(null, null);
        a1.onCompletion(null, new RuntimeException("sink down"));
        a2.onCompletion(null, null);   // written after the failed one: read and sent again too, to keep the last copy last
        b0.onCompletion(null, null);
        assertThat(inFlight.firstFailure()).hasMessage("sink down");

        assertThat(inFlight.rewindFromFirstFailure()).isEqualTo(Map.of(A, 1L));
        assertThat(inFlight.firstFailure()).isNull();
        assertThat(inFlight.size()).isEqualTo(2);
        assertThat(inFlight.takeCommittable()).isEqualTo(Map.of(A, 1L, B, 1L));
        assertThat(inFlight.size()).isZero();
    }

    @Test
    void partitions_no_longer_owned_are_forgotten_and_never_committed() {
        inFlight.add(A, 0, 4).onCompletion(null, null);
        inFlight.add(B, 0, 4).onCompletion(null, null);
        inFlight.retainOnly(List.of(B));
        assertThat(inFlight.bytes()).isEqualTo(4);
        assertThat(inFlight.takeCommittable()).isEqualTo(Map.of(B, 1L));
    }
}
