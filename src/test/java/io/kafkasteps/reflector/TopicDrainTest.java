package io.kafkasteps.reflector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TopicDrainTest {

    private static final TopicPartition P0 = new TopicPartition("ztf_20261130_programid1", 0);
    private static final TopicPartition P1 = new TopicPartition("ztf_20261130_programid1", 1);
    private static final TopicPartition P2 = new TopicPartition("ztf_20261130_programid1", 2);

    @Test
    void a_partition_is_drained_when_its_committed_offset_reaches_its_end_offset() {
        assertThat(TopicDrain.left(0, 100, 100L)).isZero();
        assertThat(TopicDrain.left(0, 100, 99L)).isEqualTo(1);
        assertThat(TopicDrain.left(0, 100, 0L)).isEqualTo(100);
    }

    @Test
    void a_partition_with_no_records_is_drained_without_a_committed_offset() {
        assertThat(TopicDrain.left(0, 0, null)).as("never written").isZero();
        assertThat(TopicDrain.left(40, 40, null)).as("every record deleted by retention").isZero();
        assertThat(TopicDrain.left(40, 40, 12L)).as("committed below a log start that is its end").isZero();
    }

    @Test
    void a_partition_with_records_and_no_committed_offset_is_not_drained() {
        assertThat(TopicDrain.left(0, 5, null)).isEqualTo(5);
        assertThat(TopicDrain.left(3, 5, null)).as("from its log start").isEqualTo(2);
    }

    @Test
    void records_below_the_log_start_are_not_counted_as_left_and_a_committed_offset_past_the_end_is_drained() {
        assertThat(TopicDrain.left(50, 80, 10L)).as("the consumer goes on from the log start").isEqualTo(30);
        assertThat(TopicDrain.left(0, 10, 25L)).as("a re-created topic, offset kept").isZero();
    }

    @Test
    void a_topic_is_drained_only_when_every_partition_is() {
        Map<TopicPartition, Long> starts = Map.of(P0, 0L, P1, 0L, P2, 0L);
        Map<TopicPartition, Long> ends = Map.of(P0, 20_000L, P1, 10_000L, P2, 0L);
        Map<TopicPartition, Long> committed = new HashMap<>(Map.of(P0, 20_000L, P1, 9_999L));
        TopicDrain.State state = TopicDrain.state(starts, ends, committed);
        assertThat(state.drained()).isFalse();
        assertThat(state.left()).isEqualTo(1);
        assertThat(state.committed()).isEqualTo(29_999);

        committed.put(P1, 10_000L);
        state = TopicDrain.state(starts, ends, committed);
        assertThat(state.drained()).as("partition 2 holds no records and has no commit").isTrue();
        assertThat(state.committed()).isEqualTo(30_000);
        assertThat(state.exists()).isTrue();
    }
}
