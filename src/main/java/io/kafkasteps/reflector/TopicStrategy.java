package io.kafkasteps.reflector;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The topics the reflector reads at an instant: a fixed list, or daily names. A daily format such
 * as {@code ztf_%s_programid1} gets the UTC date as yyyyMMdd for today and the previous
 * {@code lookbackDays} days, plus tomorrow from {@code changeHour} (UTC) on.
 */
public final class TopicStrategy {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

    private final List<String> formats;
    private final List<String> fixed;
    private final int changeHour;
    private final int lookbackDays;

    private TopicStrategy(List<String> formats, List<String> fixed, int changeHour, int lookbackDays) {
        this.formats = formats;
        this.fixed = fixed;
        this.changeHour = changeHour;
        this.lookbackDays = lookbackDays;
    }

    /** Daily topics when formats are given (they win, as in ALeRCE), else the fixed topics. */
    public static TopicStrategy of(String formats, String topics, int changeHour, int lookbackDays) {
        return formats == null || formats.isBlank() ? fixed(topics) : daily(formats, changeHour, lookbackDays);
    }

    /** Daily topics from comma-separated formats, each with one {@code %s}. */
    public static TopicStrategy daily(String formats, int changeHour, int lookbackDays) {
        List<String> list = split(formats);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("has no format");
        }
        for (String f : list) {
            if (f.indexOf("%s") < 0 || f.indexOf("%s") != f.lastIndexOf("%s")) {
                throw new IllegalArgumentException("format '" + f + "' must hold %s exactly once (the date)");
            }
        }
        if (changeHour < 0 || changeHour > 24) {
            throw new IllegalArgumentException("change hour must be 0 to 24, not " + changeHour);
        }
        if (lookbackDays < 0) {
            throw new IllegalArgumentException("lookback days must be 0 or more, not " + lookbackDays);
        }
        return new TopicStrategy(list, List.of(), changeHour, lookbackDays);
    }

    /** The same comma-separated topics at every instant. */
    public static TopicStrategy fixed(String topics) {
        List<String> list = split(topics);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("has no topic");
        }
        return new TopicStrategy(List.of(), list, 0, 0);
    }

    public boolean isDaily() {
        return !formats.isEmpty();
    }

    /** The topic set at an instant, oldest date first, formats in the order given. */
    public List<String> at(Instant instant) {
        if (!isDaily()) {
            return fixed;
        }
        ZonedDateTime utc = instant.atZone(ZoneOffset.UTC);
        LocalDate today = utc.toLocalDate();
        List<LocalDate> dates = new ArrayList<>();
        for (int back = lookbackDays; back >= 1; back--) {
            dates.add(today.minusDays(back));
        }
        dates.add(today);
        if (utc.getHour() >= changeHour) {
            dates.add(today.plusDays(1));
        }
        Set<String> topics = new LinkedHashSet<>();
        for (LocalDate date : dates) {
            for (String format : formats) {
                topics.add(format.replace("%s", DAY.format(date)));
            }
        }
        return List.copyOf(topics);
    }

    /** Quartz cron (UTC) of the instants the daily set changes: midnight and the change hour. */
    public String rolloverCron() {
        return changeHour == 0 || changeHour == 24 ? "0 0 0 * * ?" : "0 0 0," + changeHour + " * * ?";
    }

    private static List<String> split(String csv) {
        if (csv == null) {
            return List.of();
        }
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    }
}
