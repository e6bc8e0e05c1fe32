package io.kafkasteps.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kafkasteps.Settings;
import io.kafkasteps.testing.AppProcess;
import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.LauncherRun;
import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.RunningApp;
import io.kafkasteps.testing.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS and SASL against a real broker with SSL and SASL_SSL listeners (SCRAM-SHA-512 and PLAIN),
 * certificates made at test time. Secrets never appear in the output.
 */
class SecurityIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String SCRAM_USER = "scram-user";
    static final String SCRAM_PASSWORD = "scram-secret-0815";

    static TestCertificates certs;
    static EmbeddedKafka kafka;
    static Records records;

    @BeforeAll
    static void secureBroker() {
        certs = TestCertificates.create();
        kafka = EmbeddedKafka.startSecure(certs);
        records = new Records(kafka.bootstrapServers());
        records.addScramUser(SCRAM_USER, SCRAM_PASSWORD);
    }

    @AfterAll
    static void stop() {
        records.close();
        kafka.close();
    }

    private static Map<String, String> splitter(String name) {
        records.createTopics(1, name + "-in", name + "-out", name + "-out.dlq");
        records.send(name + "-in", null, "{\"events\":[{\"id\":\"x\"},{\"id\":\"y\"}]}");
        Map<String, String> s = new HashMap<>();
        s.put("splitter.source.topic", name + "-in");
        s.put("splitter.sink.topic", name + "-out");
        s.put("splitter.group.id", name);
        s.put("splitter.batch.path", "$.events[*]");
        s.put("splitter.key.path", "$.id");
        return s;
    }

    private static Map<String, String> scram(Map<String, String> s, String password) throws Exception {
        Path secret = Files.createTempFile(certs.dir(), "password", ".txt");
        Files.writeString(secret, password + "\n");
        s.put("splitter.brokers", kafka.saslSslBootstrapServers());
        s.put("splitter.sasl.username", SCRAM_USER);
        s.put("splitter.sasl.password", "{{file:" + secret + "}}");
        s.put("splitter.ssl.truststore.location", certs.truststorePem().toString());
        s.put("splitter.ssl.truststore.type", "PEM");
        return s;
    }

    private static Map<String, String> env(Map<String, String> settings) {
        Map<String, String> env = new HashMap<>();
        settings.forEach((k, v) -> env.put(Settings.envName(k), v));
        return env;
    }

    @Test
    void splitter_connects_over_tls_with_a_pkcs12_truststore() {
        Map<String, String> s = splitter("tls");
        s.put("splitter.brokers", kafka.sslBootstrapServers());
        s.put("splitter.security.protocol", "SSL");
        s.put("splitter.ssl.truststore.location", certs.truststoreP12().toString());
        s.put("splitter.ssl.truststore.type", "PKCS12");
        s.put("splitter.ssl.truststore.password", certs.password());
        try (RunningApp app = RunningApp.start(s, "batch-to-stream")) {
            assertThat(Records.values(records.read("tls-out", 2, WAIT))).containsExactly("{\"id\":\"x\"}", "{\"id\":\"y\"}");
        }
    }

    @Test
    void splitter_connects_with_scram_over_tls_a_pem_truststore_and_a_password_file_and_never_prints_it() throws Exception {
        Map<String, String> s = scram(splitter("scram"), SCRAM_PASSWORD);
        try (AppProcess p = AppProcess.start(env(s), "batch-to-stream")) {
            assertThat(Records.eventually(WAIT, () -> records.readToEnd("scram-out").size() == 2)).as(p.output()).isTrue();
            assertThat(Records.eventually(WAIT, () -> records.committed("scram", "scram-in") == 1)).isTrue();
            p.terminate();
            assertThat(p.waitFor(Duration.ofSeconds(15))).isTrue();
            assertThat(p.output()).doesNotContain(SCRAM_PASSWORD).contains("Started batch-to-stream");
        }
    }

    @Test
    void wrong_credentials_give_a_clear_error_no_hot_loop_and_no_secret_in_the_output() throws Exception {
        String wrong = "wrong-secret-31337";
        Map<String, String> s = scram(splitter("denied"), wrong);
        try (AppProcess p = AppProcess.start(env(s), "batch-to-stream")) {
            assertThat(Records.eventually(WAIT, () -> p.output().contains("Authentication failed"))).as(p.output()).isTrue();
            assertThat(p.waitFor(Duration.ofSeconds(15))).as("keeps running, retrying, for 15 s").isFalse();
            String output = p.output();
            long failures = output.lines().filter(l -> l.contains("Authentication failed")).count();
            assertThat(failures).as("authentication failures logged in ~15 s (no hot loop):\n%s", output).isBetween(1L, 40L);
            assertThat(output).doesNotContain(wrong);
            assertThat(records.readToEnd("denied-out")).isEmpty();
            assertThat(records.readToEnd("denied-out.dlq")).as("an authentication failure is not bad input").isEmpty();
        }
    }

    @Test
    void reflector_secures_source_and_sink_independently() {
        records.createTopics(1, "secure-src", "secure-dst");
        records.send("secure-src", "k", "raw");
        Map<String, String> s = new HashMap<>();
        s.put("reflector.consumer.server", kafka.saslSslBootstrapServers());
        s.put("reflector.consumer.group.id", "secure-reflector");
        s.put("reflector.consumer.topics", "secure-src");
        s.put("reflector.consume.timeout", "1");
        s.put("reflector.consumer.sasl.mechanism", "PLAIN");
        s.put("reflector.consumer.sasl.username", EmbeddedKafka.PLAIN_USER);
        s.put("reflector.consumer.sasl.password", EmbeddedKafka.PLAIN_PASSWORD);
        s.put("reflector.consumer.ssl.truststore.location", certs.truststoreJks().toString());
        s.put("reflector.consumer.ssl.truststore.password", certs.password());
        s.put("reflector.producer.server", kafka.sslBootstrapServers());
        s.put("reflector.producer.topic", "secure-dst");
        s.put("reflector.producer.security.protocol", "SSL");
        s.put("reflector.producer.ssl.truststore.location", certs.truststorePem().toString());
        s.put("reflector.producer.ssl.truststore.type", "PEM");
        try (RunningApp app = RunningApp.start(s, "reflector")) {
            assertThat(Records.values(records.read("secure-dst", 1, WAIT))).isEqualTo(List.of("raw"));
        }
        LauncherRun verify = LauncherRun.withSettings(s, "reflector", "--verify");
        assertThat(verify.code()).as("--verify reads each side as the reflector does: " + verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("copied 1, missing 0, extra 0, different 0");
    }
}
