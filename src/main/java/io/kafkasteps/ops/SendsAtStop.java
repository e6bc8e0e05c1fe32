package io.kafkasteps.ops;

import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds a stop by the route's sends: when Camel starts to stop, outstanding sends get the close
 * timeout to be acknowledged; then the producers are closed at once, which fails what is still
 * unacknowledged, and the poll that waited on it ends uncommitted (read again at the next start).
 * Without it a stop while the sink is down waits for camel-kafka's send, whose future has no bound
 * but the producer's delivery.timeout.ms (2 minutes), past Camel's shutdown timeout. Java because
 * no route option bounds a send at shutdown.
 */
public class SendsAtStop implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(SendsAtStop.class);

    private final String route;
    private final KafkaClients clients;
    private final long closeTimeoutMs;
    private CamelContext context;

    /**
     * @param route          the route whose producers these are, for the log line
     * @param clients        the Kafka component's client factory, which made the producers
     * @param closeTimeoutMs longest wait for outstanding sends once Camel stops
     */
    public SendsAtStop(String route, KafkaClients clients, long closeTimeoutMs) {
        this.route = route;
        this.clients = clients;
        this.closeTimeoutMs = closeTimeoutMs;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopping(CamelContext stopping) {
                Thread bound = new Thread(SendsAtStop.this::closeAfterTimeout, route + "-sends-at-stop");
                bound.setDaemon(true);
                bound.start();
            }
        });
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    private void closeAfterTimeout() {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(closeTimeoutMs);
        try {
            while (System.nanoTime() < end) {
                if (context.isStopped()) {
                    return;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        LOG.info("{}: stopping for {} ms; sends not acknowledged by now fail and their polls stay uncommitted, read again at the next start",
                route, closeTimeoutMs);
        clients.closeProducersNow();
    }
}
