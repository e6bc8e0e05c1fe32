package io.kafkasteps.reflector;

/**
 * A partition's committed offset against the records its log holds now: the arithmetic of a gap
 * and its words, no client. {@code logStart} is the first offset still on the log, {@code end}
 * the offset the next record will get.
 */
record OffsetGap(Kind kind, String topic, int partition, Long committed, long logStart, long end) {

    enum Kind {
        /** The committed offset is on the log, or at its end: copying goes on from it. */
        NONE,
        /** No committed offset: a new group (or a new partition) starts at the earliest record. Not a gap. */
        NEW,
        /** Below the log start: retention (or deleteRecords) removed records before they were copied. */
        DELETED,
        /**
         * Past the end: the topic was deleted and created again while its offset survived (Kafka drops
         * a deleted topic's offsets, but a rebuilt cluster or restored offsets keep them), or its
         * log was truncated (an unclean leader election).
         */
        RECREATED
    }

    /** What the reflector does at a gap: {@code reflector.on.gap}. */
    enum OnGap {
        /** Copy on from the earliest record there is (the log start). */
        CONTINUE,
        /** Stop copying the partition (pause it); the others go on, readiness is DOWN. */
        STOP;

        /** {@code continue} or {@code stop}; blank is the default, {@code continue}. */
        static OnGap of(String setting) {
            if (setting == null || setting.isBlank()) {
                return CONTINUE;
            }
            return switch (setting.trim()) {
                case "continue" -> CONTINUE;
                case "stop" -> STOP;
                default -> throw new IllegalArgumentException("reflector.on.gap is '" + setting + "'; use one of continue, stop");
            };
        }

        String setting() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static OffsetGap of(String topic, int partition, Long committed, long logStart, long end) {
        Kind kind;
        if (committed == null) {
            kind = Kind.NEW;
        } else if (committed < logStart) {
            kind = Kind.DELETED;
        } else if (committed > end) {
            kind = Kind.RECREATED;
        } else {
            kind = Kind.NONE;
        }
        return new OffsetGap(kind, topic, partition, committed, logStart, end);
    }

    boolean isGap() {
        return kind == Kind.DELETED || kind == Kind.RECREATED;
    }

    /**
     * Records that were on the log after the committed offset and are gone before they were
     * copied. Only below the log start can they be counted; past the end nothing on the log as it
     * is now is skipped, and what the old topic held after the committed offset is unknown: 0.
     */
    long skipped() {
        return kind == Kind.DELETED ? logStart - committed : 0;
    }

    /** The offset copying goes on from: the earliest record there is. */
    long resumeAt() {
        return logStart;
    }

    String name() {
        return topic + "-" + partition;
    }

    /** The one WARN line of this gap. */
    String warning(String route, OnGap onGap) {
        String then = onGap == OnGap.CONTINUE
                ? "copying on from offset " + resumeAt()
                : "this partition is stopped, the others go on, readiness is DOWN";
        return switch (kind) {
            case DELETED -> String.format("%s: %s: %d records skipped: deleted from the source before they were copied"
                    + " (committed offset %d, log start %d); %s (reflector.on.gap=%s)",
                    route, name(), skipped(), committed, logStart, then, onGap.setting());
            case RECREATED -> String.format("%s: %s: committed offset %d is past the end of the partition (%d): the topic looks"
                    + " re-created or truncated; %s (reflector.on.gap=%s); 0 records counted as skipped: none on the log now is skipped"
                    + " (%d records from offset %d %s), and what the old topic held after offset %d cannot be counted",
                    route, name(), committed, end, then, onGap.setting(), end - logStart, logStart,
                    onGap == OnGap.CONTINUE ? "are copied" : "wait", committed);
            default -> throw new IllegalStateException("no gap: " + this);
        };
    }

    /** Why the partition is stopped, for readiness. */
    String stopReason() {
        return switch (kind) {
            case DELETED -> String.format("%s stopped (reflector.on.gap=stop): %d records deleted from the source before they were"
                    + " copied (committed offset %d, log start %d)", name(), skipped(), committed, logStart);
            case RECREATED -> String.format("%s stopped (reflector.on.gap=stop): committed offset %d is past the end of the"
                    + " partition (%d), the topic looks re-created or truncated", name(), committed, end);
            default -> throw new IllegalStateException("no gap: " + this);
        };
    }
}
