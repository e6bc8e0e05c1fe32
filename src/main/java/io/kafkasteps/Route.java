package io.kafkasteps;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the launcher knows of one route besides its YAML file ({@code routes/<name>.camel.yaml}):
 * the checks of its settings, the settings that follow from others, and what happens once before
 * it consumes. Each route's own package declares its descriptor ({@code SplitterConfig.ROUTE},
 * {@code ReflectorConfig.ROUTE}); {@link KnownRoutes} lists them and the launcher only loops over
 * that list, so a third route is one descriptor and one line there.
 *
 * @param name        the route's id and file name, as the command line names it
 * @param problems    every problem of its settings, one line each; empty when it can start
 * @param derived     settings that follow from others (SASL from a username and password)
 * @param beforeStart once, before the route consumes, after the checks passed
 * @param clientPrefixes its connections' prefixes for any other Kafka client property
 *        ({@code splitter.kafka.}), as its route file's {@code ClientPassThrough} beans name them
 */
public record Route(String name, Function<Settings, List<String>> problems, Function<Settings, Map<String, String>> derived,
                    Consumer<Settings> beforeStart, List<String> clientPrefixes) {
}
