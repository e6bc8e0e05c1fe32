package io.kafkasteps.ops;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * Per-partition consumer lag and commit counts of one route, read from the metrics the Kafka
 * consumer publishes over JMX, as Prometheus gauges {@code kafka_steps_consumer_lag} and
 * {@code kafka_steps_consumer_commits}. Refreshed on each progress tick, so partitions that move
 * to another instance disappear.
 */
final class ConsumerMetrics {

    private final String route;
    private final String clientId;
    private final MultiGauge lag;
    private final MultiGauge commits;

    ConsumerMetrics(MeterRegistry registry, String route, String clientId) {
        this.route = route;
        this.clientId = clientId;
        this.lag = MultiGauge.builder("kafka_steps_consumer_lag")
                .description("Records the consumer is behind the end of each partition").register(registry);
        this.commits = MultiGauge.builder("kafka_steps_consumer_commits")
                .description("Offset commits made by the route's consumer").register(registry);
    }

    void refresh() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
        List<MultiGauge.Row<?>> commitRows = new ArrayList<>();
        try {
            for (ObjectName name : server.queryNames(new ObjectName("kafka.consumer:type=consumer-fetch-manager-metrics,*"), null)) {
                String client = name.getKeyProperty("client-id");
                String partition = name.getKeyProperty("partition");
                if (partition == null || client == null || !client.startsWith(clientId)) {
                    continue;
                }
                Object value = server.getAttribute(name, "records-lag");
                if (value instanceof Number n && !Double.isNaN(n.doubleValue())) {
                    lagRows.add(MultiGauge.Row.of(Tags.of("route", route, "topic", name.getKeyProperty("topic"), "partition", partition), n));
                }
            }
            for (ObjectName name : server.queryNames(new ObjectName("kafka.consumer:type=consumer-coordinator-metrics,*"), null)) {
                String client = name.getKeyProperty("client-id");
                if (client == null || !client.startsWith(clientId)) {
                    continue;
                }
                Object value = server.getAttribute(name, "commit-total");
                if (value instanceof Number n) {
                    commitRows.add(MultiGauge.Row.of(Tags.of("route", route, "client_id", client), n));
                }
            }
        } catch (Exception e) {
            return;
        }
        lag.register(lagRows, true);
        commits.register(commitRows, true);
    }
}
