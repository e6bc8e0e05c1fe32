package io.kafkasteps.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What one run measured, for the report: the throughput runs by figure (e.g. {@code splitter.100.hand loop}),
 * the latencies by route and peer, the notes, and the machine's load along the way.
 */
final class Results {

    final Map<String, List<Run>> runs = new LinkedHashMap<>();
    final Map<String, Latency> latencies = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    /** The 1-min load average at the end of each throughput run. */
    final List<String> loads = Collections.synchronizedList(new ArrayList<>());
    final String loadAtStart = Machine.loadAverage();

    void add(String figure, Run run) {
        runs.computeIfAbsent(figure, k -> new ArrayList<>()).add(run);
    }

    /** The runs of a figure, none if it was not measured. */
    List<Run> of(String figure) {
        return runs.getOrDefault(figure, List.of());
    }

    boolean any(String figurePrefix) {
        return runs.keySet().stream().anyMatch(k -> k.startsWith(figurePrefix));
    }

    void addLatency(String route, String peer, Latency latency) {
        latencies.merge(route + "|" + peer, latency, Latency::merge);
    }

    /** The median of {@code f} over {@code xs}, NaN values left out; NaN if none is left. */
    static <T> double median(List<T> xs, ToDoubleFunction<T> f) {
        List<Double> v = xs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).boxed().sorted().toList();
        if (v.isEmpty()) {
            return Double.NaN;
        }
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    /** One measured run of one peer. */
    record Run(String peer, long count, double seconds, double perSec, double mbPerSec, double firstRecordSec, long rssKb, boolean capped,
               double steadyPerSec, double tailSec) {
        Run(String peer, long count, double seconds, double perSec, double mbPerSec, double firstRecordSec, long rssKb, boolean capped) {
            this(peer, count, seconds, perSec, mbPerSec, firstRecordSec, rssKb, capped, Double.NaN, Double.NaN);
        }
    }

    /** Latency of one kind (merged over runs: the percentiles of each run are kept). */
    record Latency(String kind, double rate, int seconds, long sent, long received, double p50, double p99, double p999, double max, long rssKb,
                   List<Latency> runs) {
        Latency(String kind, double rate, int seconds, long sent, long received, double p50, double p99, double p999, double max, long rssKb) {
            this(kind, rate, seconds, sent, received, p50, p99, p999, max, rssKb, new ArrayList<>());
        }

        Latency merge(Latency other) {
            List<Latency> all = new ArrayList<>(runs.isEmpty() ? List.of(this) : runs);
            all.add(other);
            Latency first = all.get(0);
            return new Latency(kind, first.rate, first.seconds, first.sent, first.received, first.p50, first.p99, first.p999, first.max, first.rssKb, all);
        }

        List<Latency> all() {
            return runs.isEmpty() ? List.of(this) : runs;
        }
    }
}
