package io.kafkasteps.ops;

import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;

/**
 * Whether a route is being stopped (Camel stopping, a forced shutdown, or the route alone, as at a
 * rollover), and a wait that ends early when it is: the consumer thread's waits (a retry's backoff,
 * outstanding sends) must not hold up a stop.
 */
public final class RouteStopping {

    private RouteStopping() {
    }

    public static boolean of(CamelContext context, String routeId) {
        if (context == null) {
            return false;
        }
        if (context.isStopping() || context.getShutdownStrategy().isForceShutdown()) {
            return true;
        }
        ServiceStatus route = routeId == null ? null : context.getRouteController().getRouteStatus(routeId);
        return route != null && route.isStopping();
    }

    /** Waits, in slices of at most 100 ms, until {@code millis} passed or the route stops. */
    public static void pause(CamelContext context, String routeId, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end && !of(context, routeId)) {
            Thread.sleep(Math.min(100, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
        }
    }
}
