package io.kafkasteps.bench;

import java.nio.file.Path;

/** Samples one process's resident set from /proc/PID/status: the highest VmRSS seen, and the kernel's own peak (VmHWM). */
final class RssSampler {

    private final long pid;
    private long peakKb;

    RssSampler(Process process) {
        pid = process.pid();
    }

    /** Takes one VmRSS sample. */
    void sample() {
        peakKb = Math.max(peakKb, statusKb("VmRSS:"));
    }

    /** The highest VmRSS sampled. */
    long peakKb() {
        return peakKb;
    }

    /** The highest of the VmRSS sampled and of VmHWM now (to read while the process still runs). */
    long peakWithHighWaterMarkKb() {
        peakKb = Math.max(peakKb, statusKb("VmHWM:"));
        return peakKb;
    }

    private long statusKb(String field) {
        try {
            return Machine.field(Path.of("/proc/" + pid + "/status"), field).map(v -> Long.parseLong(v.trim().split("\\s+")[0])).orElse(0L);
        } catch (RuntimeException e) {
            return 0; // gone
        }
    }
}
