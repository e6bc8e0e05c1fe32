package io.kafkasteps.ops;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.kafka.common.errors.AuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs before each retry of a route's delivery (the error handler's {@code onRedeliveryRef}): holds
 * readiness DOWN with the reason until that exchange completes, since a route retrying a send or
 * a commit (the sink down, a permission lost) consumes nothing; and after an authentication
 * failure (a rotated password, an expired certificate) restarts the routes that hold the Kafka
 * producers, so each makes a new one. Kafka's idempotent producer treats an authentication failure
 * of its producer-id request as fatal: every later send fails at once with that old error, without
 * connecting again, so retries with the same producer never recover, even once the credentials
 * work (seen in SourceAccessIT). Java because camel-kafka's producer keeps its Kafka producer for
 * the life of the route, and YAML has no step that marks readiness.
 */
public final class DeliveryRetry implements Processor, ReadinessHold {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryRetry.class);
    private static final String WATCHED = "kafkaSteps.deliveryRetryWatched";

    private final String route;
    private final List<String> producerRoutes;
    private volatile String reason;
    private volatile Instant since;
    private volatile int attempt;

    /**
     * @param route          route id, for the readiness message
     * @param producerRoutes ids of the routes whose producers are renewed after an authentication failure, comma-separated (may be empty)
     */
    public DeliveryRetry(String route, String producerRoutes) {
        this.route = route;
        this.producerRoutes = Arrays.stream(producerRoutes == null ? new String[0] : producerRoutes.split(","))
                .map(String::trim).filter(r -> !r.isEmpty()).toList();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (exchange.getProperty(WATCHED) == null) {
            exchange.setProperty(WATCHED, Boolean.TRUE);
            since = Instant.now();
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    reason = null;
                }
            });
        }
        attempt = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        reason = ReadinessHold.describe(failure);
        if (authentication(failure) && !producerRoutes.isEmpty()) {
            LOG.warn("{}: authentication failed; new Kafka producers for {} before the retry", route, producerRoutes);
            for (String r : producerRoutes) {
                exchange.getContext().getRouteController().stopRoute(r);
                exchange.getContext().getRouteController().startRoute(r);
            }
        }
    }

    /** Why the route is not ready: a delivery it retries; null once that exchange completed. */
    @Override
    public String holdReason() {
        String r = reason;
        return r == null ? null : "delivering fails since " + since + " (attempt " + attempt + ", retried with backoff): " + r;
    }

    /** Whether an authentication failure is anywhere in the cause chain. */
    public static boolean authentication(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof AuthenticationException) {
                return true;
            }
        }
        return false;
    }
}
