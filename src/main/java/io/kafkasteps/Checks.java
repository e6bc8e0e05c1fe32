package io.kafkasteps;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Collects configuration problems, one readable line each, naming the key and the environment
 * variable that sets it. Used at start-up, before any connection is made.
 */
public final class Checks {

    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern HOST_PORT = Pattern.compile("[^\\s,:]+:(\\d{1,5})");

    private final Settings settings;
    private final List<String> problems = new ArrayList<>();

    public Checks(Settings settings) {
        this.settings = settings;
    }

    public List<String> problems() {
        return problems;
    }

    /** The value of a key, or null after recording why it could not be resolved. */
    public String value(String key) {
        try {
            String value = settings.get(key);
            return value == null ? null : value.trim();
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return null;
        }
    }

    /** The keys given (file or command line) that start with {@code prefix} and go on past it. */
    public List<String> keysUnder(String prefix) {
        return settings.keys().stream().filter(k -> k.startsWith(prefix) && k.length() > prefix.length()).toList();
    }

    public void problem(String key, String what) {
        problems.add(key + " (env " + envOf(key) + ") " + what);
    }

    /** The environment variable a user sets for this key. */
    public String envOf(String key) {
        return settings.envVariable(key);
    }

    public String required(String key, String meaning) {
        String value = value(key);
        if (value == null || value.isEmpty()) {
            if (problems.stream().noneMatch(p -> p.startsWith(key + " "))) {
                problem(key, "is required: " + meaning);
            }
            return null;
        }
        return value;
    }

    public String topic(String key, String meaning) {
        String value = required(key, meaning);
        if (value != null && (!TOPIC.matcher(value).matches() || value.equals(".") || value.equals(".."))) {
            problem(key, "is not a valid topic name: '" + value + "' (letters, digits, '.', '_', '-', at most 249)");
            return null;
        }
        return value;
    }

    public String brokers(String key) {
        String value = required(key, "bootstrap servers as host:port[,host:port]");
        if (value == null) {
            return null;
        }
        for (String part : value.split(",")) {
            var m = HOST_PORT.matcher(part.trim());
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 65535) {
                problem(key, "is not a list of host:port: '" + value + "'");
                return null;
            }
        }
        return value;
    }

    public Boolean bool(String key) {
        String value = value(key);
        if (value == null || value.isEmpty()) {
            problem(key, "must be true or false, but is empty");
            return null;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        problem(key, "must be true or false, not '" + value + "'");
        return null;
    }

    public Long positive(String key) {
        String value = value(key);
        try {
            long n = Long.parseLong(value == null ? "" : value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problem(key, "must be a whole number above 0, not '" + value + "'");
        return null;
    }

    public Long wholeNumber(String key, long min, long max) {
        String value = value(key);
        try {
            long n = Long.parseLong(value == null ? "" : value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problem(key, "must be a whole number from " + min + " to " + max + ", not '" + value + "'");
        return null;
    }

    /** Checks a value with a rule that explains itself by throwing IllegalArgumentException. */
    public void valid(String key, String value, java.util.function.Consumer<String> rule) {
        if (value == null) {
            return;
        }
        try {
            rule.accept(value);
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
        }
    }

    /** A value that must be one of a few words (case as given); an empty value is left to the default. */
    public void oneOf(String key, String... allowed) {
        String v = value(key);
        if (v == null || v.isBlank()) {
            return;
        }
        if (!java.util.Arrays.asList(allowed).contains(v.trim())) {
            problem(key, "is '" + v + "'; use one of " + String.join(", ", allowed));
        }
    }

    public void require(boolean ok, String key, String what) {
        if (!ok) {
            problem(key, what);
        }
    }

    /**
     * Exactly-once drops the records camel still holds from before a rebalance, which is right only
     * when a rebalance resets every position (eager assignors; camel's default is RangeAssignor).
     */
    public void eagerAssignor(String deliveryKey, String strategyKey) {
        String strategy = value(strategyKey);
        if ("exactly-once".equals(value(deliveryKey)) && strategy != null && strategy.contains("Cooperative")) {
            problem(strategyKey, "is a cooperative assignor; " + deliveryKey + "=exactly-once needs an eager one (RangeAssignor, RoundRobinAssignor, StickyAssignor)");
        }
    }
}
