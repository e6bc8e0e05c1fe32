package io.kafkasteps.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Per-partition consumer lag and commit counts of one route, read from the metrics of the route's
 * Kafka consumer ({@link KafkaClients#metricsOf}), as Prometheus gauges
 * {@code kafka_steps_consumer_lag} and {@code kafka_steps_consumer_commits}. Refreshed on each
 * progress tick, so partitions that move to another instance disappear.
 */
final class ConsumerMetrics {

    private final String route;
    private final String clientId;
    private final KafkaClients consumers;
    private final MultiGauge lag;
    private final MultiGauge commits;

    ConsumerMetrics(MeterRegistry registry, String route, String clientId, KafkaClients consumers) {
        this.route = route;
        this.clientId = clientId;
        this.consumers = consumers;
        this.lag = MultiGauge.builder("kafka_steps_consumer_lag")
                .description("Records the consumer is behind the end of each partition").register(registry);
        this.commits = MultiGauge.builder("kafka_steps_consumer_commits")
                .description("Offset commits made by the route's consumer").register(registry);
    }

    void refresh() {
        if (consumers == null) {
            return;
        }
        List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
        List<MultiGauge.Row<?>> commitRows = new ArrayList<>();
        for (Map.Entry<MetricName, ? extends Metric> m : consumers.metricsOf(clientId).entrySet()) {
            MetricName name = m.getKey();
            if (!(m.getValue().metricValue() instanceof Number n) || Double.isNaN(n.doubleValue())) {
                continue;
            }
            String partition = name.tags().get("partition");
            if (name.group().equals("consumer-fetch-manager-metrics") && name.name().equals("records-lag") && partition != null) {
                lagRows.add(MultiGauge.Row.of(Tags.of("route", route, "topic", name.tags().get("topic"), "partition", partition), n));
            } else if (name.group().equals("consumer-coordinator-metrics") && name.name().equals("commit-total")) {
                commitRows.add(MultiGauge.Row.of(Tags.of("route", route, "client_id", clientId), n));
            }
        }
        lag.register(lagRows, true);
        commits.register(commitRows, true);
    }
}
