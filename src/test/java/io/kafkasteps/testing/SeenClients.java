package io.kafkasteps.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;

/**
 * A Kafka metrics reporter that remembers the configuration each client was made with, by
 * client.id: given to an application in this JVM as {@code metric.reporters}, it shows what its
 * clients really received.
 */
public final class SeenClients implements MetricsReporter {

    private static final Map<String, Map<String, Object>> SEEN = new ConcurrentHashMap<>();

    /** The configuration of the client last made with this client.id, or an empty map. */
    public static Map<String, Object> configOf(String clientId) {
        return SEEN.getOrDefault(clientId, Map.of());
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object id = configs.get("client.id");
        if (id != null) {
            Map<String, Object> config = new java.util.HashMap<>();
            configs.forEach((k, v) -> {
                if (v != null) {
                    config.put(k, v);
                }
            });
            SEEN.put(id.toString(), Map.copyOf(config));
        }
    }

    @Override
    public void init(List<KafkaMetric> metrics) {
    }

    @Override
    public void metricChange(KafkaMetric metric) {
    }

    @Override
    public void metricRemoval(KafkaMetric metric) {
    }

    @Override
    public void close() {
    }
}
