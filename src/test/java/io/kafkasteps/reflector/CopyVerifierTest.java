package io.kafkasteps.reflector;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CopyVerifierTest {

    private static Fingerprint record(String key, String value, long timestamp) {
        return Fingerprint.of(bytes(key), bytes(value), new RecordHeaders(), timestamp);
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(UTF_8);
    }

    @Test
    void an_exact_copy_in_order_is_all_copied() {
        CopyVerifier v = new CopyVerifier("dst", false);
        for (int i = 0; i < 4; i++) {
            v.sink(0, 10 + i, record("k" + i, "v" + i, i));
        }
        for (int i = 0; i < 4; i++) {
            v.source("src", 0, i, record("k" + i, "v" + i, i));
        }
        VerifyResult r = v.finish();
        assertThat(r.copied()).isEqualTo(4);
        assertThat(r.ok()).isTrue();
        assertThat(r.lines()).containsExactly("4 source records, 4 sink records: copied 4, missing 0, extra 0, different 0", "OK");
    }

    @Test
    void reports_one_missing_and_one_altered_record() {
        CopyVerifier v = new CopyVerifier("dst", false);
        v.sink(0, 0, record("a", "1", 1));
        v.sink(0, 1, record("c", "3 altered", 3));
        for (int i = 0; i < 3; i++) {
            v.source("src", 0, i, record(String.valueOf((char) ('a' + i)), String.valueOf(i + 1), i + 1));
        }
        VerifyResult r = v.finish();
        assertThat(r.copied()).isEqualTo(1);
        assertThat(r.missing()).isEqualTo(1);
        assertThat(r.different()).isEqualTo(1);
        assertThat(r.extra()).isZero();
        assertThat(r.ok()).isFalse();
        assertThat(r.lines()).containsExactly(
                "3 source records, 2 sink records: copied 1, missing 1, extra 0, different 1",
                "missing src-0@1",
                "different src-0@2 vs sink dst-0@1: same key, differs in value",
                "FAILED: 1 missing, 1 different");
    }

    @Test
    void an_exact_copy_of_a_later_record_is_not_taken_for_an_altered_earlier_one() {
        CopyVerifier v = new CopyVerifier("dst", false);
        v.sink(0, 0, record("k", "second", 2));
        v.source("src", 0, 0, record("k", "first", 1));
        v.source("src", 0, 1, record("k", "second", 2));
        VerifyResult r = v.finish();
        assertThat(r.copied()).isEqualTo(1);
        assertThat(r.missing()).isEqualTo(1);
        assertThat(r.different()).isZero();
    }

    @Test
    void a_duplicate_on_the_sink_is_extra_and_allowed() {
        CopyVerifier v = new CopyVerifier("dst", false);
        v.sink(0, 0, record("a", "1", 1));
        v.sink(0, 1, record("b", "2", 2));
        v.sink(0, 2, record("a", "1", 1));   // a batch sent again after a retry
        v.sink(0, 3, record("b", "2", 2));
        v.source("src", 0, 0, record("a", "1", 1));
        v.source("src", 0, 1, record("b", "2", 2));
        VerifyResult r = v.finish();
        assertThat(r.copied()).isEqualTo(2);
        assertThat(r.extra()).isEqualTo(2);
        assertThat(r.ok()).isTrue();
        assertThat(r.lines()).containsExactly("2 source records, 4 sink records: copied 2, missing 0, extra 2, different 0",
                "extra sink dst-0@2", "extra sink dst-0@3", "OK (2 extra)");
    }

    @Test
    void copies_out_of_their_source_partitions_order_are_different() {
        CopyVerifier v = new CopyVerifier("dst", false);
        v.sink(0, 0, record("a", "1", 1));
        v.sink(0, 1, record("c", "3", 3));
        v.sink(0, 2, record("b", "2", 2));
        v.source("src", 0, 0, record("a", "1", 1));
        v.source("src", 0, 1, record("b", "2", 2));
        v.source("src", 0, 2, record("c", "3", 3));
        VerifyResult r = v.finish();
        assertThat(r.copied()).isEqualTo(2);
        assertThat(r.different()).isEqualTo(1);
        assertThat(r.lines()).contains("different src-0@2 vs sink dst-0@1: out of order, before dst-0@2, the copy of src-0@1");
    }

    @Test
    void one_source_partition_spread_over_sink_partitions_keeps_its_order_in_each() {
        CopyVerifier v = new CopyVerifier("dst", false);
        v.sink(1, 0, record("a", "1", 1));
        v.sink(0, 0, record("b", "2", 2));
        v.sink(1, 1, record("c", "3", 3));
        v.sink(0, 1, record("x", "other source partition", 9));
        v.sink(0, 2, record("d", "4", 4));
        v.source("src", 0, 0, record("a", "1", 1));
        v.source("src", 0, 1, record("b", "2", 2));
        v.source("src", 0, 2, record("c", "3", 3));
        v.source("src", 0, 3, record("d", "4", 4));
        v.source("src", 1, 0, record("x", "other source partition", 9));
        VerifyResult r = v.finish();
        assertThat(r.copied()).isEqualTo(5);
        assertThat(r.ok()).isTrue();
    }

    @Test
    void several_source_topics_interleave_freely_in_one_sink_topic() {
        CopyVerifier v = new CopyVerifier("all", false);
        v.sink(0, 0, record("b1", "1", 1));
        v.sink(0, 1, record("a1", "1", 1));
        v.sink(0, 2, record("b2", "2", 2));
        v.sink(0, 3, record("a2", "2", 2));
        v.source("a", 0, 0, record("a1", "1", 1));
        v.source("a", 0, 1, record("a2", "2", 2));
        v.source("b", 0, 0, record("b1", "1", 1));
        v.source("b", 0, 1, record("b2", "2", 2));
        assertThat(v.finish().copied()).isEqualTo(4);
    }

    @Test
    void with_keep_partition_a_copy_in_another_partition_is_different() {
        CopyVerifier v = new CopyVerifier("dst", true);
        v.sink(0, 0, record("a", "1", 1));
        v.sink(2, 0, record("b", "2", 2));
        v.source("src", 0, 0, record("a", "1", 1));
        v.source("src", 1, 0, record("b", "2", 2));
        VerifyResult r = v.finish();
        assertThat(r.copied()).isEqualTo(1);
        assertThat(r.different()).isEqualTo(1);
        assertThat(r.lines()).contains("different src-1@0 vs sink dst-2@0: same key, differs in partition (2, not 1)");
    }

    @Test
    void timestamps_not_compared_match_any_timestamp() {
        CopyVerifier v = new CopyVerifier("dst", false);
        v.sink(0, 0, Fingerprint.of(bytes("k"), bytes("v"), new RecordHeaders(), null));
        v.source("src", 0, 0, Fingerprint.of(bytes("k"), bytes("v"), new RecordHeaders(), null));
        assertThat(v.finish().copied()).isEqualTo(1);
    }

    @Test
    void a_timestamp_that_differs_is_named_with_both_values() {
        CopyVerifier v = new CopyVerifier("dst", false);
        v.sink(0, 0, record("k", "v", 2000));
        v.source("src", 0, 0, record("k", "v", 1000));
        assertThat(v.finish().lines()).contains("different src-0@0 vs sink dst-0@0: same key, differs in timestamp (2000, not 1000)");
    }

    @Test
    void headers_in_another_order_or_a_null_instead_of_an_empty_value_differ() {
        RecordHeaders ab = new RecordHeaders();
        ab.add("a", bytes("1"));
        ab.add("b", bytes("2"));
        RecordHeaders ba = new RecordHeaders();
        ba.add("b", bytes("2"));
        ba.add("a", bytes("1"));
        assertThat(Fingerprint.of(null, null, ab, 1L)).isNotEqualTo(Fingerprint.of(null, null, ba, 1L));
        assertThat(Fingerprint.of(null, bytes("v"), ab, 1L)).isEqualTo(Fingerprint.of(null, bytes("v"), new RecordHeaders(ab.toArray()), 1L));
        assertThat(Fingerprint.of(null, bytes(""), ab, 1L)).isNotEqualTo(Fingerprint.of(null, null, ab, 1L));
        assertThat(Fingerprint.of(bytes(""), null, ab, 1L)).isNotEqualTo(Fingerprint.of(null, null, ab, 1L));
        RecordHeaders nullValue = new RecordHeaders();
        nullValue.add("h", null);
        RecordHeaders emptyValue = new RecordHeaders();
        emptyValue.add("h", new byte[0]);
        assertThat(Fingerprint.of(null, null, nullValue, 1L)).isNotEqualTo(Fingerprint.of(null, null, emptyValue, 1L));

        CopyVerifier v = new CopyVerifier("dst", false);
        v.sink(0, 0, Fingerprint.of(bytes("k"), bytes("v"), ba, 1L));
        v.source("src", 0, 0, Fingerprint.of(bytes("k"), bytes("v"), ab, 1L));
        assertThat(v.finish().lines()).contains("different src-0@0 vs sink dst-0@0: same key, differs in headers");
    }

    @Test
    void identical_source_records_need_a_copy_each() {
        CopyVerifier v = new CopyVerifier("dst", false);
        v.sink(0, 0, record(null, "ping", 5));
        v.sink(1, 0, record(null, "ping", 5));
        for (int i = 0; i < 3; i++) {
            v.source("src", 0, i, record(null, "ping", 5));
        }
        VerifyResult r = v.finish();
        assertThat(r.copied()).isEqualTo(2);
        assertThat(r.missing()).isEqualTo(1);
        assertThat(r.lines()).contains("missing src-0@2");
    }

    @Test
    void many_findings_name_the_first_five_and_count_the_rest() {
        CopyVerifier v = new CopyVerifier("dst", false);
        for (int i = 0; i < 8; i++) {
            v.source("src", 0, i, record("k" + i, "v", i));
        }
        VerifyResult r = v.finish();
        assertThat(r.missing()).isEqualTo(8);
        assertThat(r.lines()).containsExactly(
                "8 source records, 0 sink records: copied 0, missing 8, extra 0, different 0",
                "missing src-0@0", "missing src-0@1", "missing src-0@2", "missing src-0@3", "missing src-0@4",
                "missing ... and 3 more",
                "FAILED: 8 missing, 0 different");
    }

    @Test
    void results_of_several_sink_topics_add_up() {
        CopyVerifier a = new CopyVerifier("a", false);
        a.sink(0, 0, record("k", "v", 1));
        a.source("a", 0, 0, record("k", "v", 1));
        CopyVerifier b = new CopyVerifier("b", false);
        b.source("b", 0, 0, record("k", "v", 1));
        VerifyResult total = new VerifyResult().add(a.finish()).add(b.finish());
        assertThat(total.lines()).containsExactly("2 source records, 1 sink records: copied 1, missing 1, extra 0, different 0",
                "missing b-0@0", "FAILED: 1 missing, 0 different");
    }
}
