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
}
