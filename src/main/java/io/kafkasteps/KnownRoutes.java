package io.kafkasteps;

import java.util.List;
import java.util.Optional;

import io.kafkasteps.reflector.ReflectorConfig;
import io.kafkasteps.splitter.SplitterConfig;

/** The routes this application knows: the one list the launcher, the demo and the checks loop over. */
public final class KnownRoutes {

    public static final List<Route> ALL = List.of(SplitterConfig.ROUTE, ReflectorConfig.ROUTE);

    private KnownRoutes() {
    }

    public static Optional<Route> named(String name) {
        return ALL.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** Every route's prefixes for any other Kafka client property ({@link Route#clientPrefixes}). */
    public static List<String> clientPrefixes() {
        return ALL.stream().flatMap(r -> r.clientPrefixes().stream()).toList();
    }

    /** Their names, sorted, for messages. */
    public static String names() {
        return String.join(", ", ALL.stream().map(Route::name).sorted().toList());
    }
}
