package io.kafkasteps.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.kafkasteps.testing.RouteSettings;
import io.kafkasteps.testing.AppProcess;
import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Management;
import io.kafkasteps.testing.Records;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Bad networks between the routes and their brokers (issue 13, item 5): the packaged jar reaches
 * its clusters only through {@link TcpProxy} (its bootstrap setting is the proxy's port, and the
 * broker advertises the proxy as that listener's address, so every connection of the process goes
 * through it), while the test's own producer and readers talk to the brokers directly. One process
 * per route goes through three faults in turn under a steady stream, each followed by a return to
 * normal: 500 ms of added latency each way for 15 s, every connection reset (RST) every 3 s for
 * 15 s, and a 20 s blackhole (connections accepted, nothing answered, also on open connections).
 * After each fault the test waits until the group has committed everything the source held when
 * the fault ended; at the end every event or record is on the sink, no dead letter, the process
 * alive, and its log during each fault bounded (no hot loop).
 *
 * <p>The reflector has a proxy in front of both its clusters and each fault is applied to both at
 * once: a bad link of the host it runs on. The source side is where the consumer group lives
 * (fetches, heartbeats, commits; a 20 s blackhole outlasts the 6 s session timeout, so the group
 * rebalances and a commit can be refused), the sink side is where the pipelined sends are in
 * flight; one proxy alone would leave one of the two untested, and both at once keeps the class
 * within its time budget.
 *
 * <p>Not in the suite (run time): a blackhole longer than the clients' request timeout (30 s), where
 * held requests time out instead of being answered late. A one-off probe with a 45 s blackhole
 * (this class with the hold changed) passed the same assertions: one producer REQUEST_TIMED_OUT
 * retry line per route, the same duplicates (one refused commit after the rebalance).
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class BadNetworkIT {

    static final Duration LATENCY = Duration.ofMillis(500);
    static final Duration RESET_PERIOD = Duration.ofSeconds(3);
    static final int EVENTS = SplitterOutageIT.EVENTS;

    /**
     * The hot-loop bounds, per second a fault is held: route-level and client retry lines at most
     * {@value #RETRY_LINES_PER_S}, output lines of any kind at most {@value #LINES_PER_S}. A retry
     * without backoff logs thousands of lines a second (18,000 in 4 s in the probe of
     * breakOnFirstError, field notes section 4): two to three orders of magnitude above these.
     */
    static final double RETRY_LINES_PER_S = 3;
    static final double LINES_PER_S = 20;
    /** CPU the process may use (cores, averaged) while the blackhole lets nothing through: a hot loop spins about one core. */
    static final double MAX_IDLE_CORES = 0.5;

    enum Fault {
        LATENCY_500_MS("500 ms latency each way", Duration.ofSeconds(15), p -> p.latency(LATENCY)),
        RESETS_EVERY_3_S("connections reset every 3 s", Duration.ofSeconds(15), p -> p.resetEvery(RESET_PERIOD)),
        BLACKHOLE_20_S("20 s blackhole", Duration.ofSeconds(20), TcpProxy::blackhole);

        final String label;
        final Duration hold;
        final Consumer<TcpProxy> apply;

        Fault(String label, Duration hold, Consumer<TcpProxy> apply) {
            this.label = label;
            this.hold = hold;
            this.apply = apply;
        }
    }

    /** A broker with an extra listener reached only through a proxy: that listener advertises the proxy's address. */
    static final class ProxiedBroker implements AutoCloseable {

        final TcpProxy proxy;
        final EmbeddedKafka kafka;

        private ProxiedBroker(TcpProxy proxy, EmbeddedKafka kafka) {
            this.proxy = proxy;
            this.kafka = kafka;
        }

        static ProxiedBroker start(String name) {
            // free ports are picked, then bound: another pick can take one meanwhile, so a clash is tried again
            RuntimeException failure = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int proxyPort;
                int listenerPort;
                try {
                    proxyPort = Management.freePort();
                    do {
                        listenerPort = Management.freePort();
                    } while (listenerPort == proxyPort);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                TcpProxy p;
                try {
                    p = new TcpProxy(name, proxyPort, listenerPort);
                } catch (UncheckedIOException e) {
                    failure = e;
                    continue;
                }
                try {
                    EmbeddedKafka k = EmbeddedKafka.startWith(null, Map.of(
                            "listeners", "PROXIED://127.0.0.1:" + listenerPort,
                            "advertised.listeners", "PROXIED://127.0.0.1:" + proxyPort,
                            "listener.security.protocol.map", "PROXIED:PLAINTEXT"));
                    return new ProxiedBroker(p, k);
                } catch (RuntimeException e) {
                    p.close();
                    failure = e;
                }
            }
            throw failure;
        }

        /** The broker itself, for the test's own clients. */
        String direct() {
            return kafka.bootstrapServers();
        }

        /** The proxy, for the route. */
        String proxied() {
            return proxy.bootstrapServers();
        }

        @Override
        public void close() {
            try {
                proxy.close();
            } finally {
                kafka.close();
            }
        }
    }

    /** One fault as the process lived through it. */
    record Measured(String route, Fault fault, long heldNanos, List<String> during, long committedDuring, long backlogAtEnd,
            long firstProgressNanos, long caughtUpNanos, List<String> recovery, long connectionsAccepted, long connectionsReset,
            long sinkFrom, long sinkTo, double cpuCores) {

        double heldSeconds() {
            return heldNanos / 1e9;
        }

        long warnLines() {
            return during.stream().filter(l -> l.contains(" WARN ")).count();
        }

        long retryLines() {
            return during.stream().filter(BadNetworkIT::isRetry).count();
        }

        long reconnectLines() {
            return during.stream().filter(BadNetworkIT::isReconnect).count();
        }

        long recoveryRetryLines() {
            return recovery.stream().filter(BadNetworkIT::isRetry).count();
        }
    }

    /** A WARN line about a retry: the routes' own (not delivered, delivery attempt, not acknowledged) and the clients' (retrying, backoff). */
    static boolean isRetry(String line) {
        String l = line.toLowerCase(Locale.ROOT);
        return line.contains(" WARN ") && (l.contains("not delivered") || l.contains("on delivery attempt") || l.contains("did not acknowledge")
                || l.contains("retry") || l.contains("retrying") || l.contains("backoff") || l.contains("back off"));
    }

    /** A WARN line about a connection or the group coordinator lost or re-established. */
    static boolean isReconnect(String line) {
        String l = line.toLowerCase(Locale.ROOT);
        return line.contains(" WARN ") && (l.contains("disconnect") || l.contains("connection to node") || l.contains("could not be established")
                || l.contains("coordinator") || l.contains("rejoin") || l.contains("reconnect") || l.contains("connection reset"));
    }

    private static final List<Measured> MEASURED = new ArrayList<>();
    private static final List<Long> DUPLICATES = new ArrayList<>();
    private static final List<String> TOTALS = new ArrayList<>();

    /** Holds one fault on every proxy, back to normal, then waits until the group committed what the source held at the fault's end. */
    static Measured fault(String route, Fault fault, List<TcpProxy> proxies, AppProcess app, LongSupplier committed, LongSupplier sourceEnd,
            LongSupplier sinkEnd) {
        long sinkFrom = sinkEnd.getAsLong();
        long linesBefore = app.output().lines().count();
        long committedBefore = committed.getAsLong();
        long acceptedBefore = proxies.stream().mapToLong(TcpProxy::accepted).sum();
        long resetsBefore = proxies.stream().mapToLong(TcpProxy::resets).sum();
        long cpuBefore = cpuNanos();
        long start = System.nanoTime();
        proxies.forEach(fault.apply);
        // The fault itself: held this long, proving the process stays up all along.
        boolean died = Records.eventually(fault.hold, () -> !app.alive());
        proxies.forEach(TcpProxy::passThrough);
        long end = System.nanoTime();
        long cpuAfter = cpuNanos();
        double cpuCores = cpuBefore < 0 || cpuAfter < 0 ? Double.NaN : (cpuAfter - cpuBefore) / (double) (end - start);
        String all = app.output();
        List<String> during = all.lines().skip(linesBefore).toList();
        assertThat(died).as("the %s lives through %s: %s", route, fault.label, Jar.tail(all, 40)).isFalse();

        long committedAtEnd = committed.getAsLong();
        long target = sourceEnd.getAsLong();
        long[] first = {committedAtEnd >= target ? 0 : -1};
        boolean caughtUp = Records.eventually(Duration.ofSeconds(120), () -> {
            long c = committed.getAsLong();
            if (first[0] < 0 && c > committedAtEnd) {
                first[0] = System.nanoTime() - end;
            }
            return c >= target;
        });
        long caughtUpNanos = committedAtEnd >= target ? 0 : System.nanoTime() - end;
        List<String> recovery = app.output().lines().skip(linesBefore + during.size()).toList();
        List<String> kept = new ArrayList<>(during);
        kept.add("---- " + fault.label + " ended; recovery ----");
        kept.addAll(recovery);
        Jar.keep("bad-network-" + route + "-" + fault.name().toLowerCase(Locale.ROOT), kept);
        assertThat(caughtUp).as("the %s resumes by itself after %s and commits the %d records the source held: committed %d; %s",
                route, fault.label, target, committed.getAsLong(), Jar.tail(app.output(), 40)).isTrue();
        assertThat(app.alive()).as("the %s still runs after %s: %s", route, fault.label, Jar.tail(app.output(), 40)).isTrue();
        if (fault == Fault.RESETS_EVERY_3_S) {
            assertThat(proxies.stream().mapToLong(TcpProxy::resets).sum()).as("connections were reset").isGreaterThan(resetsBefore);
        }
        return new Measured(route, fault, end - start, during, committedAtEnd - committedBefore, target - committedAtEnd, first[0],
                caughtUpNanos, recovery, proxies.stream().mapToLong(TcpProxy::accepted).sum() - acceptedBefore,
                proxies.stream().mapToLong(TcpProxy::resets).sum() - resetsBefore, sinkFrom, sinkEnd.getAsLong(), cpuCores);
    }

    /**
     * CPU time used so far by the packaged jar, the test JVM's one child running it (-1 when the
     * platform does not tell): a hot loop that logs nothing still spins a core.
     */
    static long cpuNanos() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().orElse("").contains(AppProcess.JAR.getFileName().toString()))
                .map(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L))
                .max(Long::compare).orElse(-1L);
    }

    /**
     * Duplicates on the sink (one partition, in offset order) counted where they landed: the
     * fault whose window (from the fault's start to its caught-up moment, in sink offsets) holds
     * the repeated record; the last entry counts those outside every window.
     */
    static long[] duplicatesPerFault(List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> sink, List<Measured> measured) {
        long[] dups = new long[measured.size() + 1];
        Set<String> seen = new HashSet<>();
        for (var r : sink) {
            if (seen.add(Records.text(r.value()))) {
                continue;
            }
            int slot = measured.size();
            for (int i = 0; i < measured.size(); i++) {
                if (r.offset() >= measured.get(i).sinkFrom() && r.offset() < measured.get(i).sinkTo()) {
                    slot = i;
                    break;
                }
            }
            dups[slot]++;
        }
        return dups;
    }

    @Test
    void a_splitter_through_latency_resets_and_a_blackhole_loses_nothing_dead_letters_nothing_and_resumes_by_itself() {
        String source = "net-batches", sink = "net-events", dlq = "net-events.dlq", group = "net-splitter";
        try (ProxiedBroker broker = ProxiedBroker.start("splitter");
                Records records = new Records(broker.direct());
                Records offsets = new Records(broker.direct())) {
            records.createTopics(1, source, sink, dlq);
            Map<String, String> settings = RouteSettings.splitter(broker.proxied(), source, sink, group);
            settings.put("splitter.progress.interval.ms", "5000");
            List<Measured> measured = new ArrayList<>();
            long started = System.nanoTime();
            try (SteadyStream stream = new SteadyStream(broker.direct());
                    AppProcess app = Jar.start(Jar.env(settings), "batch-to-stream")) {
                stream.start(source, 2, 100, SplitterOutageIT::batch);
                assertThat(Records.eventually(Duration.ofSeconds(120), () -> offsets.committed(group, source) >= 100 || !app.alive()))
                        .as("flowing through the proxy before the faults (proxy failure: %s): %s", broker.proxy.failure(),
                                Jar.tail(app.output(), 30)).isTrue();
                assertThat(app.alive()).as("the process runs: %s", Jar.tail(app.output(), 30)).isTrue();
                assertThat(broker.proxy.accepted()).as("the route's connections go through the proxy").isPositive();

                for (Fault f : Fault.values()) {
                    measured.add(fault("splitter", f, List.of(broker.proxy), app, () -> offsets.committed(group, source), () -> offsets.end(source),
                            () -> offsets.end(sink)));
                }

                int batches = stream.stop();
                assertThat(Records.eventually(Duration.ofSeconds(120), () -> offsets.committed(group, source) == batches))
                        .as("every batch committed: %s", Jar.tail(app.output(), 40)).isTrue();
                assertThat(app.alive()).as("the process still runs").isTrue();

                var sinkRecords = offsets.readAll(sink);
                List<String> out = Records.values(sinkRecords);
                Set<String> expected = new HashSet<>();
                for (int b = 0; b < batches; b++) {
                    for (int e = 0; e < EVENTS; e++) {
                        expected.add("{\"id\":\"" + b + "-" + e + "\"}");
                    }
                }
                Set<String> distinct = new HashSet<>(out);
                long lost = expected.stream().filter(e -> !distinct.contains(e)).count();
                long dead = offsets.end(dlq);
                report(measured, duplicatesPerFault(sinkRecords, measured), FaultReport.row("batch-to-stream", batches + " batches / " + (long) batches * EVENTS + " events", out.size(),
                        lost, out.size() - distinct.size(), dead, broker.proxy.accepted(), FaultReport.seconds(System.nanoTime() - started)));

                assertThat(lost).as("events lost").isZero();
                assertThat(distinct).as("every event on the sink, nothing else").isEqualTo(expected);
                assertThat(dead).as("a bad network is no reason for a dead letter").isZero();
                assertBounded(measured);
            }
        }
    }

    @Test
    void b_reflector_through_latency_resets_and_a_blackhole_on_both_clusters_loses_nothing_and_resumes_by_itself() {
        String topic = "net-alerts", group = "net-reflector";
        try (ProxiedBroker source = ProxiedBroker.start("source");
                ProxiedBroker sink = ProxiedBroker.start("sink");
                Records src = new Records(source.direct());
                Records dst = new Records(sink.direct());
                Records srcOffsets = new Records(source.direct());
                Records dstOffsets = new Records(sink.direct())) {
            src.createTopics(1, topic);
            dst.createTopics(1, topic);
            Map<String, String> env = Jar.reflector(source.proxied(), sink.proxied(), topic, group);
            env.put("REFLECTOR_PROGRESS_INTERVAL_MS", "5000");
            List<Measured> measured = new ArrayList<>();
            long started = System.nanoTime();
            try (SteadyStream stream = new SteadyStream(source.direct());
                    AppProcess app = Jar.start(env, "reflector")) {
                stream.start(topic, 50, 100, i -> i + ":" + "y".repeat(64));
                assertThat(Records.eventually(Duration.ofSeconds(120), () -> srcOffsets.committed(group, topic) >= 1000 || !app.alive()))
                        .as("flowing through the proxies before the faults (proxy failures: %s, %s): %s", source.proxy.failure(),
                                sink.proxy.failure(), Jar.tail(app.output(), 30)).isTrue();
                assertThat(app.alive()).as("the process runs: %s", Jar.tail(app.output(), 30)).isTrue();
                assertThat(source.proxy.accepted()).as("the source connections go through its proxy").isPositive();
                assertThat(sink.proxy.accepted()).as("the sink connections go through its proxy").isPositive();

                for (Fault f : Fault.values()) {
                    measured.add(fault("reflector", f, List.of(source.proxy, sink.proxy), app, () -> srcOffsets.committed(group, topic),
                            () -> srcOffsets.end(topic), () -> dstOffsets.end(topic)));
                }

                int sent = stream.stop();
                assertThat(Records.eventually(Duration.ofSeconds(120), () -> srcOffsets.committed(group, topic) == sent))
                        .as("every record committed: %s", Jar.tail(app.output(), 40)).isTrue();
                assertThat(app.alive()).as("the process still runs").isTrue();

                var sinkRecords = dstOffsets.readAll(topic);
                List<String> out = Records.values(sinkRecords);
                Set<String> expected = new HashSet<>();
                for (int i = 0; i < sent; i++) {
                    expected.add(i + ":" + "y".repeat(64));
                }
                Set<String> distinct = new HashSet<>(out);
                long lost = expected.stream().filter(e -> !distinct.contains(e)).count();
                report(measured, duplicatesPerFault(sinkRecords, measured), FaultReport.row("reflector", sent + " records", out.size(), lost, out.size() - distinct.size(), "-",
                        source.proxy.accepted() + " / " + sink.proxy.accepted(), FaultReport.seconds(System.nanoTime() - started)));

                assertThat(lost).as("records lost").isZero();
                assertThat(distinct).as("every record on the sink, nothing else").isEqualTo(expected);
                assertBounded(measured);
            }
        }
    }

    private static void assertBounded(List<Measured> measured) {
        for (Measured m : measured) {
            assertThat(m.retryLines()).as("retry lines during %s of the %s (no hot loop): %s", m.fault().label, m.route(), String.join("\n", m.during()))
                    .isLessThanOrEqualTo((long) (RETRY_LINES_PER_S * m.heldSeconds()));
            assertThat((long) m.during().size()).as("output lines during %s of the %s (no hot loop)", m.fault().label, m.route())
                    .isLessThanOrEqualTo((long) (LINES_PER_S * m.heldSeconds()));
            if (m.fault() == Fault.BLACKHOLE_20_S && !Double.isNaN(m.cpuCores())) {
                assertThat(m.cpuCores()).as("CPU of the %s while nothing gets through (a spinning retry takes a core)", m.route())
                        .isLessThan(MAX_IDLE_CORES);
            }
            // the return to normal is held to the same rate, over at least 10 s (it often takes under one)
            double recoverySeconds = Math.max(10, m.caughtUpNanos() / 1e9);
            assertThat(m.recoveryRetryLines()).as("retry lines after %s of the %s (no hot loop): %s", m.fault().label, m.route(),
                    String.join("\n", m.recovery())).isLessThanOrEqualTo((long) (RETRY_LINES_PER_S * recoverySeconds));
            assertThat((long) m.recovery().size()).as("output lines after %s of the %s (no hot loop)", m.fault().label, m.route())
                    .isLessThanOrEqualTo((long) (LINES_PER_S * recoverySeconds));
        }
    }

    /** Adds one route's rows and rewrites the section with everything measured so far. */
    private static synchronized void report(List<Measured> measured, long[] duplicates, String totals) {
        MEASURED.addAll(measured);
        for (int i = 0; i < measured.size(); i++) {
            DUPLICATES.add(duplicates[i]);
        }
        TOTALS.add(totals);
        StringBuilder md = new StringBuilder(FaultReport.row("route", "fault", "held (s)", "output lines", "WARN lines", "retry lines",
                "reconnect lines", "committed during fault", "backlog at fault end", "first commit after (s)", "caught up after (s)",
                "retry lines in recovery", "duplicates", "CPU of the process (cores)", "connections accepted / reset", "WARN lines by logger"));
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < MEASURED.size(); i++) {
            Measured m = MEASURED.get(i);
            md.append(FaultReport.row(m.route(), m.fault().label, FaultReport.seconds(m.heldNanos()), m.during().size(), m.warnLines(), m.retryLines(),
                    m.reconnectLines(), m.committedDuring(), m.backlogAtEnd(),
                    m.firstProgressNanos() < 0 ? "-" : FaultReport.seconds(m.firstProgressNanos()), FaultReport.seconds(m.caughtUpNanos()),
                    m.recoveryRetryLines(), DUPLICATES.get(i), Double.isNaN(m.cpuCores()) ? "n/a" : String.format(Locale.ROOT, "%.2f", m.cpuCores()),
                    m.connectionsAccepted() + " / " + m.connectionsReset(), Jar.warnKinds(m.during())));
        }
        md.append("\n").append(FaultReport.row("route", "sent", "sink records", "lost", "duplicates", "dead letters",
                "connections through the proxy", "run (s)")).append("|---|---|---|---|---|---|---|---|\n");
        TOTALS.forEach(md::append);
        md.append("\nDuplicates per fault: repeated records whose sink offset lies between that fault's start and its caught-up moment")
                .append(" (the totals' duplicates also count any outside those windows).\n");
        md.append("\nThe packaged jar reaches its brokers only through a TCP proxy of the test (`TcpProxy`, 127.0.0.1; the broker's")
                .append(" `PROXIED` listener advertises the proxy's port); the test's own producer and readers use the brokers directly.")
                .append(" One process per route goes through the faults in this order, each then back to normal, while the stream runs:")
                .append(" batch-to-stream 2 batches of ").append(EVENTS).append(" events every 100 ms, the reflector 50 records every 100 ms;")
                .append(" the reflector has a proxy in front of its source and one in front of its sink and each fault is applied to both.")
                .append(" Latency: each chunk held 500 ms in each direction, in order. Resets: every open connection closed with a TCP RST")
                .append(" at once and every 3 s. Blackhole: connections accepted, nothing read or written on any of them for 20 s, then")
                .append(" forwarded again. Session timeout 6 s (`Jar.FAST_FAILOVER`), so a 20 s blackhole costs the consumer its group membership.")
                .append(" \"Backlog at fault end\": records on the source not yet committed when the fault ended; \"caught up after\": until the")
                .append(" group's committed offset reached the source's end offset of that moment. Retry lines: WARN lines that speak of a")
                .append(" retry (the routes' own and the Kafka clients'); reconnect lines: WARN lines about connections or the group coordinator.")
                .append(" Hot-loop bounds asserted per second held: at most ").append((int) RETRY_LINES_PER_S).append(" retry lines and ")
                .append((int) LINES_PER_S).append(" output lines (a retry without backoff logs thousands a second), and during the blackhole,")
                .append(" when nothing gets through, less than ").append(MAX_IDLE_CORES).append(" cores of CPU for the process (a spinning loop")
                .append(" takes about one); CPU is the process's user and system time over the time held.")
                .append(" Kafka's clients log a lost connection at INFO, which the jar's logging leaves out (org.apache.kafka=warn), so resets")
                .append(" show in the proxy's counts more than in the log. The blackhole is shorter than the clients' request.timeout.ms (30 s):")
                .append(" held requests are answered late, not timed out; a longer one is not covered here.\n");
        FaultReport.section("10-bad-network", "Bad networks: latency, connection resets, blackhole (both routes through a TCP proxy)", md.toString());
    }
}
