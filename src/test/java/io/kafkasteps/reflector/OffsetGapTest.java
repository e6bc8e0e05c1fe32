package io.kafkasteps.reflector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkasteps.reflector.OffsetGap.Kind;
import io.kafkasteps.reflector.OffsetGap.OnGap;
import org.junit.jupiter.api.Test;

class OffsetGapTest {

    @Test
    void a_committed_offset_below_the_log_start_skips_the_records_in_between() {
        OffsetGap gap = OffsetGap.of("alerts", 0, 5L, 12, 15);
        assertThat(gap.kind()).isEqualTo(Kind.DELETED);
        assertThat(gap.isGap()).isTrue();
        assertThat(gap.skipped()).isEqualTo(7);
        assertThat(gap.resumeAt()).isEqualTo(12);
    }

    @Test
    void a_committed_offset_on_the_log_or_at_its_end_is_no_gap() {
        assertThat(OffsetGap.of("t", 0, 12L, 12, 15).kind()).as("at the log start").isEqualTo(Kind.NONE);
        assertThat(OffsetGap.of("t", 0, 13L, 12, 15).kind()).isEqualTo(Kind.NONE);
        assertThat(OffsetGap.of("t", 0, 15L, 12, 15).kind()).as("caught up: at the end").isEqualTo(Kind.NONE);
        assertThat(OffsetGap.of("t", 0, 0L, 0, 0).kind()).as("an empty partition, never written").isEqualTo(Kind.NONE);
        assertThat(OffsetGap.of("t", 0, 20L, 20, 20).kind()).as("everything deleted, all of it copied").isEqualTo(Kind.NONE);
        assertThat(OffsetGap.of("t", 0, 13L, 12, 15).skipped()).isZero();
    }

    @Test
    void no_committed_offset_is_a_new_group_not_a_gap() {
        OffsetGap gap = OffsetGap.of("t", 0, null, 3, 9);
        assertThat(gap.kind()).isEqualTo(Kind.NEW);
        assertThat(gap.isGap()).isFalse();
        assertThat(gap.skipped()).isZero();
    }

    @Test
    void past_the_end_the_topic_looks_recreated_and_nothing_countable_is_skipped() {
        OffsetGap gap = OffsetGap.of("t", 2, 120L, 0, 40);
        assertThat(gap.kind()).isEqualTo(Kind.RECREATED);
        assertThat(gap.isGap()).isTrue();
        assertThat(gap.skipped()).isZero();
        assertThat(gap.resumeAt()).isZero();
        assertThat(OffsetGap.of("t", 0, 1L, 0, 0).kind()).as("re-created and still empty").isEqualTo(Kind.RECREATED);
    }

    @Test
    void everything_deleted_before_it_was_copied_counts_every_record() {
        OffsetGap gap = OffsetGap.of("t", 0, 5L, 20, 20);
        assertThat(gap.kind()).isEqualTo(Kind.DELETED);
        assertThat(gap.skipped()).isEqualTo(15);
    }

    @Test
    void the_warning_says_the_count_the_offsets_and_what_happens_next() {
        OffsetGap deleted = OffsetGap.of("alerts", 0, 5L, 12, 15);
        assertThat(deleted.warning("reflector", OnGap.CONTINUE)).isEqualTo(
                "reflector: alerts-0: 7 records skipped: deleted from the source before they were copied"
                        + " (committed offset 5, log start 12); copying on from offset 12 (reflector.on.gap=continue)");
        assertThat(deleted.warning("reflector", OnGap.STOP)).isEqualTo(
                "reflector: alerts-0: 7 records skipped: deleted from the source before they were copied"
                        + " (committed offset 5, log start 12); this partition is stopped, the others go on, readiness is DOWN"
                        + " (reflector.on.gap=stop)");
        assertThat(deleted.stopReason()).isEqualTo("alerts-0 stopped (reflector.on.gap=stop): 7 records deleted from the source"
                + " before they were copied (committed offset 5, log start 12)");
        OffsetGap recreated = OffsetGap.of("alerts", 1, 120L, 0, 40);
        assertThat(recreated.warning("reflector", OnGap.CONTINUE)).isEqualTo(
                "reflector: alerts-1: committed offset 120 is past the end of the partition (40): the topic looks re-created or"
                        + " truncated;"
                        + " copying on from offset 0 (reflector.on.gap=continue); 0 records counted as skipped: none on the log now"
                        + " is skipped (40 records from offset 0 are copied), and what the old topic held after offset 120"
                        + " cannot be counted");
        assertThat(recreated.stopReason()).contains("alerts-1 stopped", "committed offset 120 is past the end of the partition (40)");
    }

    @Test
    void on_gap_is_continue_or_stop_and_continue_by_default() {
        assertThat(OnGap.of("continue")).isEqualTo(OnGap.CONTINUE);
        assertThat(OnGap.of(" stop ")).isEqualTo(OnGap.STOP);
        assertThat(OnGap.of("")).isEqualTo(OnGap.CONTINUE);
        assertThat(OnGap.of(null)).isEqualTo(OnGap.CONTINUE);
        assertThatThrownBy(() -> OnGap.of("skip")).hasMessageContaining("continue, stop");
    }
}
