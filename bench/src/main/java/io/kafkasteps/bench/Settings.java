package io.kafkasteps.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client settings every peer shares, so the comparison is fair: read from the application's
 * own application.properties (the defaults kafka-steps ships, each {@code {{env:NAME:default}}}
 * taken at its default), so a changed default moves every peer with it. Every peer runs with the
 * repository as its working directory. Not in the file, as camel-kafka and the routes fix them:
 * acks=all and idempotence on both producers, camel-kafka's batch.size 16384 for the splitter.
 */
public final class Settings {

    private static final Properties APP = load(Path.of("application.properties"));
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(?:env:[A-Za-z0-9_]+:([^}]*)|([^}:]+))}}");

    static final int SPLITTER_MAX_POLL_RECORDS = Integer.parseInt(app("splitter.max.poll.records"));
    static final int REFLECTOR_MAX_POLL_RECORDS = Integer.parseInt(app("reflector.consume.messages"));

    private Settings() {
    }

    /** A key of application.properties, its placeholders resolved to their defaults. */
    static String app(String key) {
        String value = APP.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("application.properties has no " + key);
        }
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) != null ? m.group(1) : app(m.group(2))));
        }
        return m.appendTail(out).toString().trim();
    }

    static Map<String, Object> splitterProducerTuning() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("acks", "all");
        m.put("enable.idempotence", "true");
        m.put("linger.ms", app("splitter.producer.linger.ms"));
        m.put("batch.size", "16384");
        m.put("compression.type", app("splitter.producer.compression"));
        m.put("max.request.size", app("splitter.producer.max.request.size"));
        return m;
    }

    static Map<String, Object> reflectorProducerTuning() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("acks", "all");
        m.put("enable.idempotence", "true");
        m.put("linger.ms", app("reflector.producer.linger.ms"));
        m.put("batch.size", app("reflector.producer.batch.size"));
        m.put("compression.type", app("reflector.producer.compression"));
        m.put("max.request.size", app("reflector.producer.max.request.size"));
        return m;
    }

    static Map<String, Object> splitterProducer(String brokers) {
        Map<String, Object> m = new HashMap<>(splitterProducerTuning());
        m.put("bootstrap.servers", brokers);
        return m;
    }

    static Map<String, Object> reflectorProducer(String brokers) {
        Map<String, Object> m = new HashMap<>(reflectorProducerTuning());
        m.put("bootstrap.servers", brokers);
        return m;
    }

    static Map<String, Object> consumer(String brokers, String group, int maxPoll) {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", brokers);
        m.put("group.id", group);
        m.put("enable.auto.commit", "false");
        m.put("auto.offset.reset", "earliest");
        m.put("max.poll.records", maxPoll);
        m.put("max.poll.interval.ms", 3600000);
        return m;
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the application's settings " + file.toAbsolutePath() + ": " + e, e);
        }
        return p;
    }
}
