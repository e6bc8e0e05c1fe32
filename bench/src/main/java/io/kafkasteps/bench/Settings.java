package io.kafkasteps.bench;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client settings every peer shares, so the comparison is fair. They are the application's
 * own defaults (application.properties and routes/*.camel.yaml):
 * splitter producer: acks=all, enable.idempotence=true, linger.ms=5, batch.size=16384 (camel-kafka's
 * default), compression none; reflector producer: the same with batch.size=262144;
 * consumers: max.poll.records 500 (splitter) / 1000 (reflector), auto-commit off, earliest.
 */
public final class Settings {

    static final int SPLITTER_MAX_POLL_RECORDS = 500;
    static final int REFLECTOR_MAX_POLL_RECORDS = 1000;

    private Settings() {
    }

    static Map<String, Object> splitterProducerTuning() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("acks", "all");
        m.put("enable.idempotence", "true");
        m.put("linger.ms", "5");
        m.put("batch.size", "16384");
        m.put("compression.type", "none");
        m.put("max.request.size", "1048576");
        return m;
    }

    static Map<String, Object> reflectorProducerTuning() {
        Map<String, Object> m = splitterProducerTuning();
        m.put("batch.size", "262144");
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
}
