package io.kafkasteps.reflector;

import java.util.ArrayList;
import java.util.List;

/**
 * The counts of a verification and the first few places of each finding. Each source record in
 * range is copied, missing or different; each sink record in range is the copy of a copied or
 * different record, or extra. Only missing and different records fail a verification.
 */
public final class VerifyResult {

    /** How many places of each finding are named. */
    public static final int EXAMPLES = 5;

    private long copied;
    private final Finding missing = new Finding("missing");
    private final Finding different = new Finding("different");
    private final Finding extra = new Finding("extra");

    void addCopied() {
        copied++;
    }

    void addMissing(String where) {
        missing.add(where);
    }

    void addDifferent(String what) {
        different.add(what);
    }

    void addExtra(String where) {
        extra.add(where);
    }

    public long copied() {
        return copied;
    }

    public long missing() {
        return missing.count;
    }

    public long different() {
        return different.count;
    }

    public long extra() {
        return extra.count;
    }

    /** Nothing missing and nothing different (extra records are allowed). */
    public boolean ok() {
        return missing.count == 0 && different.count == 0;
    }

    /** Adds another result's counts, and its places while fewer than {@link #EXAMPLES} are named. */
    public VerifyResult add(VerifyResult other) {
        copied += other.copied;
        missing.add(other.missing);
        different.add(other.different);
        extra.add(other.extra);
        return this;
    }

    /** The report: counts, then the places named, then the verdict. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add((copied + missing.count + different.count) + " source records, " + (copied + different.count + extra.count)
                + " sink records: copied " + copied + ", missing " + missing.count + ", extra " + extra.count
                + ", different " + different.count);
        for (Finding f : List.of(missing, different, extra)) {
            f.examples.forEach(e -> lines.add(f.name + " " + e));
            if (f.count > f.examples.size()) {
                lines.add(f.name + " ... and " + (f.count - f.examples.size()) + " more");
            }
        }
        lines.add(ok() ? "OK" + (extra.count > 0 ? " (" + extra.count + " extra)" : "")
                : "FAILED: " + missing.count + " missing, " + different.count + " different");
        return lines;
    }

    private static final class Finding {
        final String name;
        final List<String> examples = new ArrayList<>();
        long count;

        Finding(String name) {
            this.name = name;
        }

        void add(String example) {
            count++;
            if (examples.size() < EXAMPLES) {
                examples.add(example);
            }
        }

        void add(Finding other) {
            count += other.count;
            other.examples.stream().limit(EXAMPLES - examples.size()).forEach(examples::add);
        }
    }
}
