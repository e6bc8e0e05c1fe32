package io.kafkasteps;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kafkasteps.reflector.ReflectorConfig;
import io.kafkasteps.reflector.ReflectorVerify;

/**
 * {@code java -jar kafka-steps.jar ROUTE...}: checks the configuration of the routes named, then
 * runs them on one camel-main. A configuration mistake ends here, with one line per problem and
 * exit code 2, before any connection is made.
 */
public final class Launcher {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int CONFIG_ERROR = 2;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    public Launcher(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        Map<String, String> levels = logLevels(System.getenv());
        if (java.util.Arrays.asList(args).contains("--verify")) {
            // A report, not a log: the Kafka client's reconnect warnings would bury it (a failure is one line).
            levels.putIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        }
        levels.forEach(System::setProperty);
        System.exit(new Launcher(System.getenv(), System.out, System.err).run(args));
    }

    /**
     * Log levels from the environment, applied before anything logs: {@code KAFKA_STEPS_LOG_LEVEL}
     * (all loggers: trace, debug, info, warn, error) and {@code KAFKA_STEPS_LOG_LEVELS}
     * (per logger: {@code org.apache.kafka=info,io.kafkasteps=debug}).
     */
    static Map<String, String> logLevels(Map<String, String> env) {
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        String all = env.get("KAFKA_STEPS_LOG_LEVEL");
        if (all != null && !all.isBlank()) {
            properties.put("org.slf4j.simpleLogger.defaultLogLevel", all.trim().toLowerCase(java.util.Locale.ROOT));
        }
        String each = env.get("KAFKA_STEPS_LOG_LEVELS");
        if (each != null) {
            for (String pair : each.split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    properties.put("org.slf4j.simpleLogger.log." + pair.substring(0, eq).trim(),
                            pair.substring(eq + 1).trim().toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return properties;
    }

    public int run(String[] args) {
        CommandLine cl;
        try {
            cl = CommandLine.parse(args, env);
        } catch (IllegalArgumentException e) {
            err.println("kafka-steps: " + e.getMessage());
            err.println(CommandLine.USAGE);
            return CONFIG_ERROR;
        }
        if (cl.help()) {
            out.println(CommandLine.USAGE);
            return OK;
        }
        Settings settings;
        List<String> problems = new ArrayList<>();
        try {
            settings = Settings.load(cl.config(), env, Map.of()).withCommandLine(cl.overrides());
        } catch (RuntimeException e) {
            err.println("kafka-steps: " + e.getMessage());
            return CONFIG_ERROR;
        }
        if (cl.printTopics()) {
            return printTopics(cl, settings);
        }
        if (cl.verify()) {
            return verify(cl, settings);
        }
        List<String> routes = cl.routes().isEmpty() ? defaultRoutes(settings) : cl.routes();
        if (routes.isEmpty()) {
            problems.add("no route named: give batch-to-stream and/or reflector (or set kafka.steps.routes)");
        }
        for (String route : routes) {
            Optional<Route> known = KnownRoutes.named(route);
            if (known.isEmpty() && java.nio.file.Files.isRegularFile(cl.routesDir().resolve(route + ".camel.yaml"))) {
                // A route file of the user's own (a copy of a route with other settings, docs/recipes.md):
                // run as written; its settings are checked by Camel when the route is built.
                err.println("kafka-steps: route '" + route + "' is your own (" + cl.routesDir().resolve(route + ".camel.yaml")
                        + "): no start-up checks of its settings");
            } else if (known.isEmpty()) {
                problems.add("unknown route '" + route + "': known routes are " + KnownRoutes.names());
            } else {
                problems.addAll(known.get().problems().apply(settings));
            }
        }
        problems.addAll(KafkaSteps.missingRouteFiles(routes.stream().filter(r -> KnownRoutes.named(r).isPresent()).toList(), cl.routesDir()));
        if (!problems.isEmpty()) {
            return refuse(problems);
        }
        try {
            new KafkaSteps(routes, cl.routesDir(), settings).run();
            return OK;
        } catch (IllegalStateException e) {
            err.println("kafka-steps: " + e.getMessage());
            return FAILED;
        } catch (Exception e) {
            err.println("kafka-steps: stopped on an error: " + e);
            e.printStackTrace(err);
            return FAILED;
        }
    }

    /** --print-topics: the reflector's topic set at an instant, one per line; no connection. */
    private int printTopics(CommandLine cl, Settings settings) {
        List<String> problems = new ArrayList<>(ReflectorConfig.topicProblems(settings));
        java.time.Instant at = instant("--at", cl.at(), "2026-12-31T23:30:00Z", problems);
        if (!problems.isEmpty()) {
            return refuse(problems);
        }
        ReflectorConfig.strategy(settings).at(at == null ? java.time.Instant.now() : at).forEach(out::println);
        return OK;
    }

    /** --verify: the reflector's copy of its topic set of now, compared record by record; see {@link ReflectorVerify}. */
    private int verify(CommandLine cl, Settings settings) {
        List<String> problems = new ArrayList<>(ReflectorConfig.verifyProblems(settings));
        java.time.Instant since = instant("--since", cl.since(), "2026-12-01T00:00:00Z", problems);
        if (!problems.isEmpty()) {
            return refuse(problems);
        }
        try {
            return new ReflectorVerify(settings, out).run(java.time.Instant.now(), since).ok() ? OK : FAILED;
        } catch (IllegalStateException e) {
            err.println("kafka-steps: verify: " + e.getMessage());
            return FAILED;
        }
    }

    /** Configuration mistakes: one line each, exit code 2. */
    private int refuse(List<String> problems) {
        problems.forEach(p -> err.println("kafka-steps: " + p));
        return CONFIG_ERROR;
    }

    /** An option's instant, or null when not given; a problem when it is not one. */
    private static java.time.Instant instant(String option, String value, String example, List<String> problems) {
        if (value == null) {
            return null;
        }
        try {
            return java.time.Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            problems.add(option + " '" + value + "' is not an instant such as " + example);
            return null;
        }
    }

    private static List<String> defaultRoutes(Settings settings) {
        String names = settings.get("kafka.steps.routes", "");
        return names.isBlank() ? List.of() : List.of(names.trim().split("\\s*,\\s*"));
    }
}
