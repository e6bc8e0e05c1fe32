package io.kafkasteps.ops;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Readiness of one route: DOWN until its consumer has joined its group (the Kafka client's own
 * {@code join-total} metric, read from the consumer through {@link KafkaClients}), while its polls of the source or its deliveries fail, while its sink cluster does not answer, and while a
 * {@link ReadinessHold} given to it holds (a partition the route stopped copying). The sink is
 * probed with a describe-cluster call, at most every few seconds, so an idle route still knows.
 */
public final class KafkaReadiness extends AbstractHealthCheck {

    private static final long PROBE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int PROBE_TIMEOUT_MS = 3000;

    private final String consumerClientId;
    private final Map<String, Object> sinkConfig;
    private Admin admin;
    private long lastProbe;
    private String sinkProblem = "not probed yet";
    private ReadinessHold hold;
    private ReadinessHold polls;
    private ReadinessHold deliveries;
    private KafkaClients consumers;

    /**
     * @param route            route id, names the check
     * @param consumerClientId client.id of the route's consumer
     * @param sinkConfig       Kafka client properties of the sink cluster (bootstrap, security)
     */
    public KafkaReadiness(String route, String consumerClientId, Map<String, Object> sinkConfig) {
        super("kafka-steps", route + "-ready");
        this.consumerClientId = consumerClientId;
        this.sinkConfig = sinkConfig;
    }

    /** The sink is the cluster of a Kafka component: its bootstrap servers and security. */
    public KafkaReadiness(String route, String consumerClientId, org.apache.camel.component.kafka.KafkaComponent sink) {
        this(route, consumerClientId, io.kafkasteps.ClientSecurity.connection(sink));
    }

    /** DOWN while the route's polls of its source fail ({@link PollRetry}), with the reason. */
    public void setPolls(ReadinessHold polls) {
        this.polls = polls;
    }

    /** DOWN while the route retries a delivery ({@link DeliveryRetry}), with the reason. */
    public void setDeliveries(ReadinessHold deliveries) {
        this.deliveries = deliveries;
    }

    /** Where the route's consumer is: the Kafka component's client factory. */
    public void setConsumers(KafkaClients consumers) {
        this.consumers = consumers;
    }

    /** Also DOWN while this holds, with its reason. */
    public void setHold(ReadinessHold hold) {
        this.hold = hold;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("consumer.client.id", consumerClientId);
        String held = hold == null ? null : hold.holdReason();
        if (held != null) {
            builder.down().message(held);
            return;
        }
        String failing = polls == null ? null : polls.holdReason();
        if (failing == null && deliveries != null) {
            failing = deliveries.holdReason();
        }
        if (failing != null) {
            builder.down().message(failing);
            return;
        }
        if (consumers == null) {
            builder.down().message("readiness of " + getId() + " cannot see its consumer: set its consumers to the Kafka component's client factory");
            return;
        }
        if (!joined()) {
            builder.down().message("consumer " + consumerClientId + " has not joined its group yet");
            return;
        }
        String problem = probeSink();
        if (problem != null) {
            builder.down().message("sink unreachable: " + problem);
            return;
        }
        builder.up();
    }

    private boolean joined() {
        return consumers.metricsOf(consumerClientId).entrySet().stream()
                .anyMatch(m -> m.getKey().group().equals("consumer-coordinator-metrics") && m.getKey().name().equals("join-total")
                        && m.getValue().metricValue() instanceof Number n && n.doubleValue() > 0);
    }

    private synchronized String probeSink() {
        long now = System.nanoTime();
        if (now - lastProbe < PROBE_EVERY_NANOS && lastProbe != 0) {
            return sinkProblem;
        }
        lastProbe = now;
        try {
            if (admin == null) {
                Map<String, Object> config = io.kafkasteps.ClientSecurity.withoutBlanks(sinkConfig);
                config.put(AdminClientConfig.CLIENT_ID_CONFIG, consumerClientId + "-readiness");
                config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, PROBE_TIMEOUT_MS);
                config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, PROBE_TIMEOUT_MS);
                admin = Admin.create(config);
            }
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(PROBE_TIMEOUT_MS)).nodes()
                    .get(PROBE_TIMEOUT_MS + 500L, TimeUnit.MILLISECONDS);
            sinkProblem = null;
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            sinkProblem = ReadinessHold.describe(cause);
        }
        return sinkProblem;
    }

    /** Closes the probe's admin client (the bean's destroy method). */
    public synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
            admin = null;
        }
    }
}
