package io.kafkasteps.bench;

import java.util.Locale;

/** The orchestrator's log on stdout: one line a step, with the seconds since the run started. */
final class Log {

    private static long started = System.currentTimeMillis();

    private Log() {
    }

    /** The run starts now: the clock of every line and of the run's duration in the report. */
    static void start() {
        started = System.currentTimeMillis();
    }

    static double minutesSinceStart() {
        return (System.currentTimeMillis() - started) / 60000.0;
    }

    static void line(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[bench %5.0fs] %s%n", (System.currentTimeMillis() - started) / 1000.0, String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
