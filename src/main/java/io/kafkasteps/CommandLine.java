package io.kafkasteps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The launcher's arguments: the routes to run, and options.
 *
 * <pre>
 * kafka-steps ROUTE... [--reset] [--routes DIR] [--config FILE] [--set key=value]...
 * kafka-steps reflector --print-topics [--at 2026-12-31T23:30:00Z]
 * kafka-steps reflector --verify [--since 2026-12-01T00:00:00Z]
 * </pre>
 */
public record CommandLine(List<String> routes, Path routesDir, Path config, Map<String, String> overrides,
                          boolean printTopics, String at, boolean verify, String since, boolean help) {

    public static final String USAGE = String.join(System.lineSeparator(),
            "usage: kafka-steps ROUTE... [options]",
            "  ROUTE                batch-to-stream, reflector (one process can run both)",
            "  --reset              batch-to-stream: rewind its consumer group to the earliest offsets once, then run",
            "  --print-topics       reflector: print the topics it would read now (or --at), and exit",
            "  --at INSTANT         with --print-topics: an ISO instant such as 2026-12-31T23:30:00Z",
            "  --verify             reflector: compare the sink with the source record by record, print what is",
            "                       copied, missing, extra, different, and exit (0: nothing missing or different)",
            "  --since INSTANT      with --verify: only source records stamped at or after it, e.g. 2026-12-01T00:00:00Z",
            "  --routes DIR         folder of <route>.camel.yaml files (default: routes, env KAFKA_STEPS_ROUTES_DIR)",
            "  --config FILE        properties file (default: application.properties, else the jar's copy; env KAFKA_STEPS_CONFIG)",
            "  --set KEY=VALUE      override one property (wins over the environment)");

    public static CommandLine parse(String[] args, Map<String, String> env) {
        List<String> routes = new ArrayList<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        Path routesDir = Path.of(env.getOrDefault("KAFKA_STEPS_ROUTES_DIR", "routes"));
        Path config = Path.of(env.getOrDefault("KAFKA_STEPS_CONFIG", "application.properties"));
        boolean printTopics = false;
        boolean verify = false;
        String since = null;
        boolean help = false;
        String at = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--reset" -> overrides.put("splitter.reset", "true");
                case "--print-topics" -> printTopics = true;
                case "--at" -> at = next(args, ++i, arg);
                case "--verify" -> verify = true;
                case "--since" -> since = next(args, ++i, arg);
                case "--routes" -> routesDir = Path.of(next(args, ++i, arg));
                case "--config" -> config = Path.of(next(args, ++i, arg));
                case "--set" -> {
                    String kv = next(args, ++i, arg);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--set takes KEY=VALUE, not '" + kv + "'");
                    }
                    overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                case "-h", "--help" -> help = true;
                default -> {
                    if (arg.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option '" + arg + "'");
                    }
                    routes.add(arg);
                }
            }
        }
        if (at != null && !printTopics) {
            throw new IllegalArgumentException("--at goes with --print-topics");
        }
        if (since != null && !verify) {
            throw new IllegalArgumentException("--since goes with --verify");
        }
        if (verify && printTopics) {
            throw new IllegalArgumentException("--verify and --print-topics are two commands: give one");
        }
        if (verify && !routes.stream().allMatch("reflector"::equals)) {
            throw new IllegalArgumentException("--verify checks the reflector's copy: kafka-steps reflector --verify");
        }
        return new CommandLine(List.copyOf(routes), routesDir, config, overrides, printTopics, at, verify, since, help);
    }

    private static String next(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
