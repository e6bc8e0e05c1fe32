package io.kafkasteps.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node KRaft broker (combined broker and controller) in this JVM, on 127.0.0.1 and
 * free ports. It can be stopped and started again on the same ports and log directory, so a
 * test can take the broker away mid-stream and bring it back.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final Path logDir;
    private final int port;
    private final int controllerPort;
    private final TestCertificates certificates;
    private final int sslPort;
    private final int saslSslPort;
    private final java.util.Map<String, String> extra;
    private KafkaRaftServer server;

    private EmbeddedKafka(Path logDir, int port, int controllerPort, TestCertificates certificates, int sslPort, int saslSslPort,
            java.util.Map<String, String> extra) {
        this.extra = java.util.Map.copyOf(extra);
        this.logDir = logDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.certificates = certificates;
        this.sslPort = sslPort;
        this.saslSslPort = saslSslPort;
    }

    /** Formats a fresh log directory and starts a broker on two free ports. */
    public static EmbeddedKafka start() {
        return start(null);
    }

    /**
     * A broker that also listens with TLS (SSL) and with SASL_SSL (SCRAM-SHA-512 and PLAIN), its
     * certificate from {@code certificates}. PLAIN knows {@code users} as name=password; SCRAM users
     * are added with {@link Records#addScramUser}.
     */
    public static EmbeddedKafka startSecure(TestCertificates certificates) {
        return start(certificates);
    }

    /** A plain broker on the given ports (the demo's fixed 9092/9093). */
    public static EmbeddedKafka startOn(int port, int controllerPort) {
        try {
            EmbeddedKafka kafka = new EmbeddedKafka(Files.createTempDirectory("kafka-steps-broker"), port, controllerPort, null, 0, 0,
                    java.util.Map.of());
            kafka.format();
            kafka.startServer();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EmbeddedKafka start(TestCertificates certificates) {
        return startWith(certificates, java.util.Map.of());
    }

    /**
     * A broker (secure when {@code certificates} is given) with more broker settings, such as an
     * authorizer or an extra listener. Each entry replaces the default, except {@code listeners},
     * {@code advertised.listeners} and {@code listener.security.protocol.map}, which are appended
     * to the defaults (for example {@code listeners=PROXIED://127.0.0.1:<port>} with its
     * advertised address elsewhere: a proxy in front of the broker).
     */
    public static EmbeddedKafka startWith(TestCertificates certificates, java.util.Map<String, String> extra) {
        try {
            EmbeddedKafka kafka = new EmbeddedKafka(Files.createTempDirectory("kafka-steps-broker"), freePort(), freePort(),
                    certificates, certificates == null ? 0 : freePort(), certificates == null ? 0 : freePort(), extra);
            kafka.format();
            kafka.startServer();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The TLS listener (secure brokers only). */
    public String sslBootstrapServers() {
        return "127.0.0.1:" + sslPort;
    }

    /** The SASL_SSL listener (secure brokers only). */
    public String saslSslBootstrapServers() {
        return "127.0.0.1:" + saslSslPort;
    }

    /** The PLAIN mechanism's only user. */
    public static final String PLAIN_USER = "plain-user";
    public static final String PLAIN_PASSWORD = "plain-secret-4711";

    /** Stops the broker, keeping its data, as an outage would. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts the broker again on the same ports and data. */
    public synchronized void restart() {
        if (server == null) {
            startServer();
        }
    }

    @Override
    public void close() {
        stop();
        deleteRecursively(logDir);
    }

    private Properties config() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        if (certificates == null) {
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        } else {
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort
                    + ",SSL://127.0.0.1:" + sslPort + ",SASL_SSL://127.0.0.1:" + saslSslPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SSL://127.0.0.1:" + sslPort
                    + ",SASL_SSL://127.0.0.1:" + saslSslPort);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL");
            p.put("ssl.keystore.location", certificates.brokerKeystore().toString());
            p.put("ssl.keystore.type", "PKCS12");
            p.put("ssl.keystore.password", certificates.password());
            p.put("ssl.key.password", certificates.password());
            p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN");
            p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            p.put("listener.name.sasl_ssl.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + PLAIN_USER + "=\"" + PLAIN_PASSWORD + "\";");
        }
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.resolve("data").toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // the kill loops restart with a 3 s session (Kafka's default minimum is 6 s)
        p.put("group.min.session.timeout.ms", "3000");
        p.put("auto.create.topics.enable", "false");
        extra.forEach((key, value) -> {
            boolean appended = key.equals("listeners") || key.equals("advertised.listeners")
                    || key.equals("listener.security.protocol.map");
            p.put(key, appended ? p.getProperty(key) + "," + value : value);
        });
        return p;
    }

    private void format() throws IOException {
        Path cfg = logDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(cfg)) {
            config().store(out, "kafka-steps test broker");
        }
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int rc = kafka.tools.StorageTool.execute(
                new String[] {"format", "-t", clusterId, "-c", cfg.toString(), "--ignore-formatted"},
                new PrintStream(buffer, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("formatting the test broker failed: " + buffer.toString(StandardCharsets.UTF_8));
        }
    }

    private void startServer() {
        server = new KafkaRaftServer(new KafkaConfig(config(), false), Time.SYSTEM);
        server.startup();
    }

    private static int freePort() throws IOException {
        return Management.freePort();
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory that outlives a test is harmless
        }
    }

}
