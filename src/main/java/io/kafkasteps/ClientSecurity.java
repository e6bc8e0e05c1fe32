package io.kafkasteps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The security settings of one Kafka cluster connection, under a key prefix ({@code splitter},
 * {@code reflector.consumer}, {@code reflector.producer}): protocol, TLS trust and key stores (JKS,
 * PKCS12 or PEM) and SASL (SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN) with a username and password.
 * Secrets come from the environment or, as {@code {{file:/run/secrets/x}}}, from mounted files.
 */
public final class ClientSecurity {

    static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    static final List<String> MECHANISMS = List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");
    static final List<String> STORE_TYPES = List.of("JKS", "PKCS12", "PEM");

    private ClientSecurity() {
    }

    /**
     * Settings that follow from the username and password: the JAAS line for the mechanism, and
     * SASL_SSL when the protocol was left at PLAINTEXT (what the ALeRCE reflector does).
     */
    public static Map<String, String> derived(Settings s, String prefix) {
        Map<String, String> derived = new LinkedHashMap<>();
        String user = s.get(prefix + ".sasl.username", "");
        String password = s.get(prefix + ".sasl.password", "");
        if (user.isEmpty() || password.isEmpty()) {
            return derived;
        }
        if (s.get(prefix + ".security.protocol", "PLAINTEXT").equalsIgnoreCase("PLAINTEXT")) {
            derived.put(prefix + ".security.protocol", "SASL_SSL");
        }
        String mechanism = s.get(prefix + ".sasl.mechanism", "SCRAM-SHA-512").toUpperCase(java.util.Locale.ROOT);
        String module = mechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        derived.put(prefix + ".sasl-jaas-config", module + " required username=\"" + jaas(user) + "\" password=\"" + jaas(password) + "\";");
        return derived;
    }

    /** Start-up checks of one connection's security settings. */
    public static void check(Checks c, String prefix) {
        String protocol = c.value(prefix + ".security.protocol");
        if (protocol != null && !PROTOCOLS.contains(protocol.toUpperCase(java.util.Locale.ROOT))) {
            c.problem(prefix + ".security.protocol", "must be one of " + PROTOCOLS + ", not '" + protocol + "'");
        }
        String mechanism = c.value(prefix + ".sasl.mechanism");
        if (mechanism != null && !mechanism.isEmpty() && !MECHANISMS.contains(mechanism.toUpperCase(java.util.Locale.ROOT))) {
            c.problem(prefix + ".sasl.mechanism", "must be one of " + MECHANISMS + ", not '" + mechanism + "'");
        }
        String user = c.value(prefix + ".sasl.username");
        String password = c.value(prefix + ".sasl.password");
        boolean hasUser = user != null && !user.isEmpty();
        boolean hasPassword = password != null && !password.isEmpty();
        if (hasUser != hasPassword) {
            c.problem(prefix + (hasUser ? ".sasl.password" : ".sasl.username"),
                    "is required when the " + (hasUser ? "username" : "password") + " is set");
        }
        for (String store : List.of("truststore", "keystore")) {
            String type = c.value(prefix + ".ssl." + store + ".type");
            if (type != null && !type.isEmpty() && !STORE_TYPES.contains(type.toUpperCase(java.util.Locale.ROOT))) {
                c.problem(prefix + ".ssl." + store + ".type", "must be one of " + STORE_TYPES + ", not '" + type + "'");
            }
            String location = c.value(prefix + ".ssl." + store + ".location");
            if (location != null && !location.isEmpty() && !Files.isReadable(Path.of(location))) {
                c.problem(prefix + ".ssl." + store + ".location", "is not a readable file: '" + location + "'");
            }
        }
    }

    /** Kafka client properties (security only) for the clients built in Java: admin and raw producer. */
    public static Map<String, Object> clientProperties(Settings s, String prefix) {
        Map<String, Object> props = new LinkedHashMap<>();
        String protocol = s.get(prefix + ".security.protocol", "PLAINTEXT");
        props.put("security.protocol", protocol);
        if (protocol.toUpperCase(java.util.Locale.ROOT).contains("SSL")) {
            put(props, "ssl.truststore.location", s.get(prefix + ".ssl.truststore.location", ""));
            put(props, "ssl.truststore.password", s.get(prefix + ".ssl.truststore.password", ""));
            put(props, "ssl.truststore.type", s.get(prefix + ".ssl.truststore.type", ""));
            put(props, "ssl.keystore.location", s.get(prefix + ".ssl.keystore.location", ""));
            put(props, "ssl.keystore.password", s.get(prefix + ".ssl.keystore.password", ""));
            put(props, "ssl.keystore.type", s.get(prefix + ".ssl.keystore.type", ""));
            put(props, "ssl.key.password", s.get(prefix + ".ssl.key.password", ""));
            String algorithm = s.get(prefix + ".ssl.endpoint.identification.algorithm");
            if (algorithm != null) {
                props.put("ssl.endpoint.identification.algorithm", algorithm.trim());
            }
        }
        if (protocol.toUpperCase(java.util.Locale.ROOT).startsWith("SASL")) {
            put(props, "sasl.mechanism", s.get(prefix + ".sasl.mechanism", ""));
            put(props, "sasl.jaas.config", s.get(prefix + ".sasl-jaas-config", ""));
        }
        return props;
    }

    /**
     * Kafka client properties of one connection, for the clients built in Java: the bootstrap
     * servers under {@code serversKey} and the security of {@code prefix}, with what follows from a
     * username and password ({@link #derived}) applied, as the routes get them.
     */
    public static Map<String, Object> connection(Settings s, String prefix, String serversKey) {
        Settings all = s.withCommandLine(derived(s, prefix));
        Map<String, Object> props = clientProperties(all, prefix);
        props.put("bootstrap.servers", all.get(serversKey, ""));
        return props;
    }

    /**
     * Kafka client properties of a Kafka component's cluster (bootstrap servers, {@code security.*},
     * {@code ssl.*}, {@code sasl.*}) exactly as its consumers get them, for the clients built in Java
     * beside its routes: the component stays the one place that cluster's connection is written.
     */
    public static Map<String, Object> connection(org.apache.camel.component.kafka.KafkaComponent cluster) {
        org.apache.camel.component.kafka.KafkaConfiguration configuration = cluster.getConfiguration();
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", configuration.getBrokers());
        configuration.createConsumerProperties().forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith("security.") || key.startsWith("ssl.") || key.startsWith("sasl.")) {
                props.put(key, v);
            }
        });
        return props;
    }

    /**
     * Client properties as a client should get them from the routes' maps, where an unset setting is
     * an empty value: blank values are left out (the client's default applies), except
     * {@code ssl.endpoint.identification.algorithm}, where empty means host-name checking off.
     */
    public static Map<String, Object> withoutBlanks(Map<String, ?> config) {
        Map<String, Object> props = new LinkedHashMap<>();
        config.forEach((k, v) -> {
            if (v != null && (!v.toString().isBlank() || k.equals("ssl.endpoint.identification.algorithm"))) {
                props.put(k, v instanceof String text ? text.trim() : v);
            }
        });
        return props;
    }

    private static void put(Map<String, Object> props, String key, String value) {
        if (value != null && !value.isEmpty()) {
            props.put(key, value);
        }
    }

    private static String jaas(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
