package io.kafkasteps.reflector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    private static final TopicPartition A = new TopicPartition("t", 0);
    private static final TopicPartition B = new TopicPartition("t", 1);

    @Test
    void the_same_record_failing_again_doubles_the_delay_up_to_the_longest() {
        RetryBackoff backoff = new RetryBackoff(500, 3000);
        assertThat(backoff.next(Map.of(A, 7L))).isEqualTo(500);
        assertThat(backoff.next(Map.of(A, 7L))).isEqualTo(1000);
        assertThat(backoff.next(Map.of(A, 7L))).isEqualTo(2000);
        assertThat(backoff.next(Map.of(A, 7L))).isEqualTo(3000);
        assertThat(backoff.next(Map.of(A, 7L))).isEqualTo(3000);
    }

    @Test
    void a_partition_that_moved_past_its_failed_record_starts_again_at_the_first_delay() {
        RetryBackoff backoff = new RetryBackoff(500, 30_000);
        backoff.next(Map.of(A, 7L));
        backoff.next(Map.of(A, 7L));
        assertThat(backoff.next(Map.of(A, 9L))).isEqualTo(500);
        assertThat(backoff.next(Map.of(B, 1L))).isEqualTo(500);
        assertThat(backoff.next(Map.of(A, 9L, B, 1L))).isEqualTo(1000);
    }
}
