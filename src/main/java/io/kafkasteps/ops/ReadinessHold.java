package io.kafkasteps.ops;

/**
 * Something that holds a route's readiness DOWN while it lasts, such as a partition the reflector
 * stopped copying ({@code reflector.on.gap=stop}). Not a {@code Supplier<String>}: Camel's
 * {@code SupplierRegistry} takes a {@code Supplier} it holds for the maker of a bean and returns
 * what it supplies.
 */
public interface ReadinessHold {

    /** Why the route is not ready, in one line; null while nothing holds it. */
    String holdReason();

    /** A failure as readiness and the logs say it: its class and message, "unknown" for none. */
    static String describe(Throwable t) {
        return t == null ? "unknown" : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
