package io.kafkasteps.reflector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;

import org.junit.jupiter.api.Test;
import org.quartz.CronExpression;

class TopicStrategyTest {

    private static final TopicStrategy ZTF = TopicStrategy.daily("ztf_%s_programid1", 23, 1);

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    @Test
    void before_the_change_hour_reads_yesterday_and_today() {
        assertThat(ZTF.at(at("2026-11-23T22:59:59Z"))).containsExactly("ztf_20261122_programid1", "ztf_20261123_programid1");
    }

    @Test
    void from_the_change_hour_on_reads_tomorrow_too() {
        assertThat(ZTF.at(at("2026-11-23T23:00:00Z")))
                .containsExactly("ztf_20261122_programid1", "ztf_20261123_programid1", "ztf_20261124_programid1");
    }

    @Test
    void at_midnight_the_window_moves() {
        assertThat(ZTF.at(at("2026-11-24T00:00:00Z"))).containsExactly("ztf_20261123_programid1", "ztf_20261124_programid1");
    }

    @Test
    void month_and_year_end_and_leap_day() {
        assertThat(ZTF.at(at("2026-11-30T23:30:00Z"))).containsExactly(
                "ztf_20261129_programid1", "ztf_20261130_programid1", "ztf_20261201_programid1");
        assertThat(ZTF.at(at("2026-12-31T23:30:00Z"))).containsExactly(
                "ztf_20261230_programid1", "ztf_20261231_programid1", "ztf_20270101_programid1");
        assertThat(ZTF.at(at("2028-02-28T23:00:00Z"))).containsExactly(
                "ztf_20280227_programid1", "ztf_20280228_programid1", "ztf_20280229_programid1");
        assertThat(ZTF.at(at("2028-03-01T00:10:00Z"))).containsExactly("ztf_20280229_programid1", "ztf_20280301_programid1");
    }

    @Test
    void several_formats_keep_their_order_per_date() {
        TopicStrategy two = TopicStrategy.daily("ztf_%s_programid1, ztf_%s_programid3", 23, 0);
        assertThat(two.at(at("2026-11-23T23:00:00Z"))).containsExactly(
                "ztf_20261123_programid1", "ztf_20261123_programid3", "ztf_20261124_programid1", "ztf_20261124_programid3");
    }

    @Test
    void lookback_zero_one_and_three() {
        Instant noon = at("2026-11-23T12:00:00Z");
        assertThat(TopicStrategy.daily("t_%s", 23, 0).at(noon)).containsExactly("t_20261123");
        assertThat(TopicStrategy.daily("t_%s", 23, 1).at(noon)).containsExactly("t_20261122", "t_20261123");
        assertThat(TopicStrategy.daily("t_%s", 23, 3).at(noon)).containsExactly("t_20261120", "t_20261121", "t_20261122", "t_20261123");
    }

    @Test
    void the_date_is_utc_whatever_the_local_zone() {
        TimeZone saved = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("America/Santiago"));
            assertThat(TopicStrategy.daily("t_%s", 23, 0).at(at("2026-11-24T01:00:00Z"))).containsExactly("t_20261124");
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    void fixed_topics_never_change() {
        TopicStrategy fixed = TopicStrategy.fixed("a, b,a");
        assertThat(fixed.at(at("2026-11-23T23:59:00Z"))).containsExactly("a", "b");
        assertThat(fixed.isDaily()).isFalse();
    }

    @Test
    void formats_must_hold_one_date() {
        assertThatThrownBy(() -> TopicStrategy.daily("ztf_programid1", 23, 1)).hasMessageContaining("must hold %s exactly once");
        assertThatThrownBy(() -> TopicStrategy.daily("%s_%s", 23, 1)).hasMessageContaining("must hold %s exactly once");
        assertThatThrownBy(() -> TopicStrategy.daily(" , ", 23, 1)).hasMessage("has no format");
        assertThatThrownBy(() -> TopicStrategy.daily("t_%s", 25, 1)).hasMessageContaining("change hour");
        assertThatThrownBy(() -> TopicStrategy.daily("t_%s", 23, -1)).hasMessageContaining("lookback");
    }

    @Test
    void rollover_cron_fires_at_midnight_and_the_change_hour_utc() throws ParseException {
        CronExpression cron = new CronExpression(ZTF.rolloverCron());
        cron.setTimeZone(TimeZone.getTimeZone("UTC"));
        Date next = cron.getNextValidTimeAfter(Date.from(at("2026-11-23T12:00:00Z")));
        assertThat(next.toInstant()).isEqualTo(at("2026-11-23T23:00:00Z"));
        next = cron.getNextValidTimeAfter(next);
        assertThat(next.toInstant()).isEqualTo(at("2026-11-24T00:00:00Z"));
        assertThat(TopicStrategy.daily("t_%s", 0, 1).rolloverCron()).isEqualTo("0 0 0 * * ?");
    }

    @Test
    void every_rollover_instant_changes_the_set_and_no_other_does() {
        Instant t = at("2026-11-23T00:00:00Z");
        for (int minutes = 0; minutes < 48 * 60; minutes += 30) {
            Instant now = t.plusSeconds(minutes * 60L);
            boolean changed = !ZTF.at(now).equals(ZTF.at(now.minusSeconds(1)));
            int hour = now.atZone(java.time.ZoneOffset.UTC).getHour();
            int minute = now.atZone(java.time.ZoneOffset.UTC).getMinute();
            assertThat(changed).as("at %s", now).isEqualTo(minute == 0 && (hour == 0 || hour == 23));
        }
    }
}
