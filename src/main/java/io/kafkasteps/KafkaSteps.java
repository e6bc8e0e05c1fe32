package io.kafkasteps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * One camel-main process running the chosen routes from YAML files on the file system, with the
 * settings already resolved and checked by the launcher.
 */
public final class KafkaSteps {

    private final Main main;
    private final List<String> routes;
    private final Settings settings;

    public KafkaSteps(List<String> routes, Path routesDir, Settings given) {
        this.routes = List.copyOf(routes);
        this.settings = withDerived(given);
        Settings settings = this.settings;
        this.main = new Main();
        String pattern = routes.stream()
                .map(r -> "file:" + routesDir.resolve(r + ".camel.yaml").toAbsolutePath().normalize())
                .collect(Collectors.joining(","));
        main.configure().withRoutesIncludePattern(pattern);
        // Live reload, when camel.main.routes-reload-enabled=true (default false): saving one of these
        // files replaces that file's routes and beans within about a second; the other routes run on.
        main.configure()
                .withRoutesReloadDirectory(routesDir.toAbsolutePath().normalize().toString())
                .withRoutesReloadPattern(routes.stream().map(r -> r + ".camel.yaml").collect(Collectors.joining(",")))
                .withRoutesReloadRemoveAllRoutes(false);
        // Camel sees exactly the values the launcher checked: resolved once, from one place.
        main.setDefaultPropertyPlaceholderLocation("false");
        Properties resolved = new Properties();
        resolved.putAll(settings.resolvedAll());
        main.setOverrideProperties(resolved);
    }

    /**
     * The settings that follow from others (SASL from usernames and passwords), added once, for
     * every known route: a route file of the user's own may use their keys.
     */
    private static Settings withDerived(Settings settings) {
        Map<String, String> derived = new java.util.LinkedHashMap<>();
        KnownRoutes.ALL.forEach(r -> derived.putAll(r.derived().apply(settings)));
        return settings.withCommandLine(derived);
    }

    /** Route files that the routes named need but are missing: one line each. */
    public static List<String> missingRouteFiles(List<String> routes, Path routesDir) {
        return routes.stream()
                .map(r -> routesDir.resolve(r + ".camel.yaml"))
                .filter(p -> !Files.isRegularFile(p))
                .map(p -> "route file " + p + " does not exist (set --routes or KAFKA_STEPS_ROUTES_DIR)")
                .toList();
    }

    /** Runs until the process is told to stop (SIGTERM, Ctrl-C), then stops gracefully. */
    public void run() throws Exception {
        beforeStart();
        main.run();
    }

    /** Starts without blocking. */
    public void start() throws Exception {
        beforeStart();
        main.start();
    }

    /** What must happen once, before the routes consume (the splitter's --reset): each route's own. */
    private void beforeStart() {
        routes.forEach(name -> KnownRoutes.named(name).ifPresent(r -> r.beforeStart().accept(settings)));
    }

    public void stop() {
        main.stop();
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

}
