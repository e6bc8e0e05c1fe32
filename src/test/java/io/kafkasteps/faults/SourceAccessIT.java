package io.kafkasteps.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.kafkasteps.testing.RouteSettings;
import io.kafkasteps.testing.AppProcess;
import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Management;
import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.TestCertificates;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The source refusing a route for a while, on a broker with SCRAM and ACLs: the route's password
 * changed on the broker for 20 s (its connections re-authenticate every 3 s, as with
 * {@code connections.max.reauth.ms} in production, so a rotated password bites running clients),
 * and READ on the source topic denied for 30 s to two instances. Each time the poll is retried in
 * place with backoff, readiness is DOWN with the reason, consumption resumes by itself, nothing is
 * lost or dead-lettered, and the group does not rebalance over and over. The test's own clients use
 * the broker's plain listener, a super user.
 */
class SourceAccessIT {

    static final String USER = "access-user";
    static final String PASSWORD = "access-secret-2718";
    static final Duration REFUSED = Duration.ofSeconds(20);
    static final Duration DENIED = Duration.ofSeconds(30);

    static TestCertificates certs;
    static EmbeddedKafka kafka;
    static Records records;
    static Admin admin;

    @BeforeAll
    static void brokerWithAcls() {
        certs = TestCertificates.create();
        kafka = EmbeddedKafka.startWith(certs, Map.of(
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:ANONYMOUS",
                "connections.max.reauth.ms", "3000"));
        records = new Records(kafka.bootstrapServers());
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        records.addScramUser(USER, PASSWORD);
        acl(ResourceType.TOPIC, "access-", AclOperation.ALL, AclPermissionType.ALLOW, PatternType.PREFIXED, true);
        acl(ResourceType.GROUP, "access-", AclOperation.ALL, AclPermissionType.ALLOW, PatternType.PREFIXED, true);
    }

    @AfterAll
    static void stop() {
        admin.close();
        records.close();
        kafka.close();
    }

    @Test
    void splitter_retries_a_refused_password_with_backoff_and_resumes_by_itself_when_it_works_again() throws Exception {
        String source = "access-cred-in", sink = "access-cred-out", group = "access-cred";
        records.createTopics(1, source, sink, sink + ".dlq");
        Map<String, String> s = RouteSettings.splitter(kafka.saslSslBootstrapServers(), source, sink, group);
        s.putAll(scram("splitter.", password()));
        refusedFor(REFUSED, "1-splitter-refused-password", "batch-to-stream (source and sink on the one cluster)", source, group, s,
                () -> Records.values(records.readAll(sink)), expectedEvents(), sink + ".dlq");
    }

    @Test
    void reflector_retries_a_refused_source_password_with_backoff_and_resumes_by_itself_when_it_works_again() throws Exception {
        String source = "access-refl-in", sink = "access-refl-out", group = "access-refl";
        records.createTopics(1, source, sink);
        Map<String, String> s = reflector(kafka.saslSslBootstrapServers(), kafka.bootstrapServers(), source, sink, group);
        s.putAll(scram("reflector.consumer.", password()));
        refusedFor(REFUSED, "1-reflector-refused-password", "reflector, its source", source, group, s,
                () -> Records.values(records.readAll(sink)), expectedBatches(), null);
    }

    @Test
    void reflector_retries_a_refused_sink_password_with_backoff_and_resumes_by_itself_when_it_works_again() throws Exception {
        String source = "access-sink-in", sink = "access-sink-out", group = "access-sink";
        records.createTopics(1, source, sink);
        Map<String, String> s = reflector(kafka.bootstrapServers(), kafka.saslSslBootstrapServers(), source, sink, group);
        s.putAll(scram("reflector.producer.", password()));
        refusedFor(REFUSED, "1-reflector-refused-sink-password", "reflector, its sink", source, group, s,
                () -> Records.values(records.readAll(sink)), expectedBatches(), null);
    }

    /** Stream, change the password for {@code refused}, restore it, and count. */
    private static void refusedFor(Duration refused, String id, String label, String source, String group, Map<String, String> settings,
            java.util.function.Supplier<List<String>> onSink, java.util.function.IntFunction<Set<String>> expected, String dlq) throws Exception {
        String route = label.split(" ")[0].replace(",", "");
        int port = Management.freePort();
        settings.put("camel.management.port", String.valueOf(port));
        try (SteadyStream stream = new SteadyStream(kafka.bootstrapServers()); AppProcess app = Jar.start(Jar.env(settings), route)) {
            stream.start(source, 2, 100, SplitterOutageIT::batch);
            assertThat(Records.eventually(Duration.ofSeconds(90), () -> records.committed(group, source) >= 50 || !app.alive()))
                    .as("flowing: %s", Jar.tail(app.output(), 30)).isTrue();
            long linesBefore = app.output().lines().count();

            records.addScramUser(USER, "rotated-" + PASSWORD);
            long refusing = System.nanoTime();
            String[] downReason = {null};
            List<String> during;
            long committedAtRestore;
            try {
                // the 20 s: readiness sampled, the process up all along
                Records.eventually(refused, () -> {
                    Management.Response r = Management.get(port, "/observe/health/ready");
                    if (downReason[0] == null && r.status() == 503
                            && r.body().contains("Authentication")) {
                        downReason[0] = r.body();
                    }
                    return !app.alive();
                });
                during = app.output().lines().skip(linesBefore).toList();
                committedAtRestore = records.committed(group, source);
            } finally {
                records.addScramUser(USER, PASSWORD);
            }
            long restoring = System.nanoTime();
            assertThat(app.alive()).as("the process lives through it: %s", Jar.tail(app.output(), 30)).isTrue();

            long[] resumedAfter = {-1};
            boolean resumed = Records.eventually(Duration.ofSeconds(90), () -> {
                if (resumedAfter[0] < 0 && records.committed(group, source) > committedAtRestore) {
                    resumedAfter[0] = System.nanoTime() - restoring;
                }
                return resumedAfter[0] >= 0;
            });
            if (!resumed) {
                Jar.keep(id + "-not-resumed", app.output().lines().toList());   // the whole output, for the report's logs/
            }
            assertThat(resumed).as("consumption resumes by itself once the password works (restored at %s): %s",
                    java.time.Instant.now().minusNanos(System.nanoTime() - restoring), Jar.tail(app.output(), 40)).isTrue();
            int batches = stream.stop();
            assertThat(Records.eventually(Duration.ofSeconds(90), () -> records.committed(group, source) == batches))
                    .as("every batch committed: %s", Jar.tail(app.output(), 40)).isTrue();
            assertThat(Records.eventually(Duration.ofSeconds(60), () -> Management.get(port, "/observe/health/ready").status() == 200))
                    .as("ready again: %s", Management.get(port, "/observe/health/ready").body()).isTrue();
            long readyAfter = System.nanoTime() - restoring;

            List<String> out = onSink.get();
            long retries = during.stream().filter(l -> l.contains("polling the source failed") || l.contains("On delivery attempt")).count();
            long dead = dlq == null ? 0 : records.end(dlq);
            Jar.keep(id, during);
            FaultReport.section("11-source-access-" + id, "Credentials refused for " + refused.toSeconds() + " s: " + label,
                    FaultReport.row("records on the source", "on the sink", "lost", "duplicates", "dead letters", "retry lines while refused",
                            "output lines while refused", "consuming again after restore (s)", "ready again after restore (s)")
                            + "|---|---|---|---|---|---|---|---|---|\n"
                            + FaultReport.row(batches, out.size(), lostCount(expected.apply(batches), out), out.size() - new HashSet<>(out).size(), dead,
                                    retries, during.size(), FaultReport.seconds(resumedAfter[0]),
                                    FaultReport.seconds(readyAfter))
                            + "\nThe route's SCRAM password changed on the broker; its connections re-authenticate every 3 s"
                            + " (connections.max.reauth.ms). Retry backoff at its defaults (0.5 s doubling to 30 s). Readiness said: "
                            + reason(downReason[0]) + "\n");

            assertThat(new HashSet<>(out)).as("nothing lost").containsAll(expected.apply(batches));
            assertThat(downReason[0]).as("readiness DOWN, naming the refusal, while the password is refused").isNotNull();
            assertThat(dead).as("a refused password is no reason for a dead letter").isZero();
            // a refused sink may only block the producer's sends (it reconnects with its own backoff): no retry line at all
            assertThat(retries).as("retried with backoff, not in a loop: %s", String.join("\n", during)).isLessThanOrEqualTo(12L);
            assertThat(during.size()).as("the log stays quiet while refused (no hot loop)").isLessThan(400);
            assertThat(app.alive()).isTrue();
        }
    }

    @Test
    void two_splitters_back_off_without_rebalancing_while_read_on_their_source_is_denied() throws Exception {
        String source = "access-read-in", sink = "access-read-out", group = "access-read";
        records.createTopics(2, source);
        records.createTopics(1, sink, sink + ".dlq");
        Map<String, String> s = RouteSettings.splitter(kafka.saslSslBootstrapServers(), source, sink, group);
        s.putAll(scram("splitter.", password()));
        int portA = Management.freePort(), portB = Management.freePort();
        Map<String, String> envA = withRebalanceLog(Jar.env(withPort(s, portA))), envB = withRebalanceLog(Jar.env(withPort(s, portB)));
        try (SteadyStream stream = new SteadyStream(kafka.bootstrapServers());
                AppProcess a = Jar.start(envA, "batch-to-stream"); AppProcess b = Jar.start(envB, "batch-to-stream")) {
            stream.start(source, 2, 100, SplitterOutageIT::batch);
            // both instances in the group, each holding a partition, before the ACL: a late second
            // join would otherwise be counted as a rebalance while denied
            assertThat(Records.eventually(Duration.ofSeconds(90), () -> records.membersWithPartitions(group) == 2))
                    .as("each instance holds a partition: %s", Jar.tail(a.output(), 20) + "\n" + Jar.tail(b.output(), 20)).isTrue();
            Map<Integer, Long> assigned = records.committedByPartition(group, source);
            assertThat(Records.eventually(Duration.ofSeconds(90), () -> records.committedByPartition(group, source).size() == 2
                    && records.committedByPartition(group, source).entrySet().stream()
                            .allMatch(e -> e.getValue() > assigned.getOrDefault(e.getKey(), 0L) + 10)))
                    .as("both partitions flowing: %s", Jar.tail(a.output(), 20) + "\n" + Jar.tail(b.output(), 20)).isTrue();
            long beforeA = a.output().lines().count(), beforeB = b.output().lines().count();

            AclBinding deny = acl(ResourceType.TOPIC, source, AclOperation.READ, AclPermissionType.DENY, PatternType.LITERAL, true);
            boolean[] down = {false, false};   // each instance seen DOWN with the reason (the two need not coincide)
            List<String> duringA, duringB;
            try {
                Records.eventually(DENIED, () -> {
                    down[0] |= Management.get(portA, "/observe/health/ready").body().contains("fails since");
                    down[1] |= Management.get(portB, "/observe/health/ready").body().contains("fails since");
                    return !a.alive() || !b.alive();
                });
                duringA = a.output().lines().skip(beforeA).toList();
                duringB = b.output().lines().skip(beforeB).toList();
            } finally {
                acl(deny, false);
            }
            assertThat(a.alive() && b.alive()).isTrue();
            long restoring = System.nanoTime();

            int batches = stream.stop();
            assertThat(Records.eventually(Duration.ofSeconds(120), () -> records.committed(group, source) == batches))
                    .as("every batch committed once READ is back: %s", Jar.tail(a.output(), 30) + "\n" + Jar.tail(b.output(), 30)).isTrue();
            long caughtUpAfter = System.nanoTime() - restoring;
            List<String> out = Records.values(records.readAll(sink));
            long joins = count(duringA, "Successfully joined group") + count(duringB, "Successfully joined group");
            long retries = count(duringA, "polling the source failed") + count(duringB, "polling the source failed")
                    + count(duringA, "On delivery attempt") + count(duringB, "On delivery attempt");
            long reconnects = count(duringA, "Reconnecting Kafka consumer") + count(duringB, "Reconnecting Kafka consumer");
            long dead = records.end(sink + ".dlq");
            Jar.keep("11-read-denied-a", duringA);
            Jar.keep("11-read-denied-b", duringB);
            FaultReport.section("11-source-access-2-read-denied", "READ on the source denied for " + DENIED.toSeconds() + " s: two batch-to-stream instances",
                    FaultReport.row("batches", "events on the sink", "lost", "duplicates", "dead letters", "group joins while denied",
                            "consumer reconnects while denied", "retry lines while denied", "caught up after READ is back (s)")
                            + "|---|---|---|---|---|---|---|---|---|\n"
                            + FaultReport.row(batches, out.size(), lostCount(expectedEvents().apply(batches), out), out.size() - new HashSet<>(out).size(),
                                    dead, joins, reconnects, retries, FaultReport.seconds(caughtUpAfter))
                            + "\nTwo instances in one group on a 2-partition source; a DENY READ ACL on the source topic for the routes' user"
                            + " (DESCRIBE and the group stay allowed). Joins and reconnects counted from the Kafka client's and camel's own INFO lines.\n");

            assertThat(new HashSet<>(out)).as("nothing lost").containsAll(expectedEvents().apply(batches));
            assertThat(dead).as("a permission is no reason for a dead letter").isZero();
            // an instance retrying was DOWN with the reason (one may hold no partition that failed in the window)
            boolean aRetried = count(duringA, "polling the source failed") + count(duringA, "On delivery attempt") > 0;
            boolean bRetried = count(duringB, "polling the source failed") + count(duringB, "On delivery attempt") > 0;
            assertThat(!aRetried || down[0]).as("A retried, and was DOWN with the reason").isTrue();
            assertThat(!bRetried || down[1]).as("B retried, and was DOWN with the reason").isTrue();
            assertThat(joins).as("no rebalance while denied: the consumers stay in their group: %s",
                    String.join("\n", joinLines(duringA)) + "\n" + String.join("\n", joinLines(duringB))).isZero();
            assertThat(reconnects).as("no consumer closed and made again").isZero();
            assertThat(retries).as("retried with backoff: %s", String.join("\n", duringA)).isBetween(2L, 30L);
        }
    }

    // --- helpers ---

    private static String password() throws Exception {
        Path secret = Files.createTempFile(certs.dir(), "password", ".txt");
        Files.writeString(secret, PASSWORD + "\n");
        return "{{file:" + secret + "}}";
    }

    private static Map<String, String> scram(String prefix, String password) {
        return Map.of(prefix + "sasl.username", USER, prefix + "sasl.password", password,
                prefix + "ssl.truststore.location", certs.truststorePem().toString(), prefix + "ssl.truststore.type", "PEM");
    }

    /** The reflector from one topic to another, by ALeRCE's variables. */
    private static Map<String, String> reflector(String consumerServer, String producerServer, String source, String sink, String group) {
        Map<String, String> s = new HashMap<>(Jar.reflector(consumerServer, producerServer, source, group));
        s.put("PRODUCER_TOPIC", sink);
        return s;
    }

    private static Map<String, String> withPort(Map<String, String> s, int port) {
        Map<String, String> copy = new HashMap<>(s);
        copy.put("camel.management.port", String.valueOf(port));
        return copy;
    }

    /** The Kafka client's group INFO lines and camel's reconnect line, which the app's logging config leaves out. */
    private static Map<String, String> withRebalanceLog(Map<String, String> env) {
        env.put("JAVA_TOOL_OPTIONS", "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients.consumer.internals=info"
                + " -Dorg.slf4j.simpleLogger.log.org.apache.camel.component.kafka=info");
        return env;
    }

    private static java.util.function.IntFunction<Set<String>> expectedEvents() {
        return batches -> {
            Set<String> expected = new HashSet<>();
            for (int b = 0; b < batches; b++) {
                for (int e = 0; e < SplitterOutageIT.EVENTS; e++) {
                    expected.add("{\"id\":\"" + b + "-" + e + "\"}");
                }
            }
            return expected;
        };
    }

    private static java.util.function.IntFunction<Set<String>> expectedBatches() {
        return batches -> {
            Set<String> expected = new HashSet<>();
            for (int b = 0; b < batches; b++) {
                expected.add(SplitterOutageIT.batch(b));
            }
            return expected;
        };
    }

    private static long lostCount(Set<String> expected, List<String> out) {
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(out);
        return missing.size();
    }

    /** The Kafka client's group lines, which say why a member joined again. */
    private static List<String> joinLines(List<String> lines) {
        return lines.stream().filter(l -> l.contains("ConsumerCoordinator") || l.contains("AbstractCoordinator")).limit(40).toList();
    }

    private static long count(List<String> lines, String fragment) {
        return lines.stream().filter(l -> l.contains(fragment)).count();
    }

    private static String reason(String body) {
        if (body == null) {
            return "(never DOWN)";
        }
        int at = body.indexOf("\"message\":\"");
        String tail = body.substring(at >= 0 ? at + 11 : 0);
        int end = tail.indexOf('"');
        return "`" + (end > 0 ? tail.substring(0, end) : tail).replace("`", "'") + "`";
    }

    private static AclBinding acl(ResourceType type, String name, AclOperation op, AclPermissionType permission, PatternType pattern, boolean add) {
        AclBinding binding = new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + USER, "*", op, permission));
        acl(binding, add);
        return binding;
    }

    private static void acl(AclBinding binding, boolean add) {
        try {
            if (add) {
                admin.createAcls(List.of(binding)).all().get(30, TimeUnit.SECONDS);
            } else {
                admin.deleteAcls(List.of(new AclBindingFilter(
                        new ResourcePatternFilter(binding.pattern().resourceType(), binding.pattern().name(), binding.pattern().patternType()),
                        new AccessControlEntryFilter(binding.entry().principal(), binding.entry().host(), binding.entry().operation(),
                                binding.entry().permissionType())))).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot change ACL " + binding + ": " + e, e);
        }
    }
}
