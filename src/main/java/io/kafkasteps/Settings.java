package io.kafkasteps;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The application's settings, resolved the way Camel resolves them: {@code application.properties},
 * overridden by an environment variable named after each key ({@code splitter.source.topic} by
 * {@code SPLITTER_SOURCE_TOPIC}), overridden by the command line. Values may hold placeholders:
 * {@code {{key}}}, {@code {{key:default}}}, {@code {{env:NAME}}}, {@code {{env:NAME:default}}} and
 * {@code {{file:/path}}} (the file's content, trimmed: for secrets mounted as files).
 */
public final class Settings {

    private final Map<String, String> raw;
    private final Map<String, String> env;
    private final String source;
    private final java.util.Set<String> commandLine = new java.util.HashSet<>();

    private Settings(Map<String, String> raw, Map<String, String> env, String source) {
        this.raw = raw;
        this.env = env;
        this.source = source;
    }

    /**
     * Loads {@code file} when it exists, else the copy of {@code application.properties} packaged
     * in the jar.
     */
    public static Settings load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Properties props = new Properties();
        String source;
        try {
            if (file != null && Files.isRegularFile(file)) {
                try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    props.load(in);
                }
                source = "file:" + file.toAbsolutePath().normalize();
            } else {
                try (InputStream in = Settings.class.getResourceAsStream("/application.properties")) {
                    if (in != null) {
                        props.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                    }
                }
                source = "classpath:application.properties";
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> raw = new LinkedHashMap<>();
        props.stringPropertyNames().stream().sorted().forEach(k -> raw.put(k, props.getProperty(k)));
        // a client property given only in the environment (a container's usual way): its setting
        // exists nowhere else, so the environment alone names it (SPLITTER_KAFKA_CLIENT_RACK is
        // splitter.kafka.client.rack: Kafka's client properties are lower case and dotted); in the
        // file, the file's key wins
        for (Map.Entry<String, String> e : env.entrySet()) {
            for (String prefix : KnownRoutes.clientPrefixes()) {
                String envPrefix = envName(prefix);
                if (e.getKey().startsWith(envPrefix) && e.getKey().length() > envPrefix.length()) {
                    String key = prefix + e.getKey().substring(envPrefix.length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.');
                    raw.putIfAbsent(key, e.getValue());
                }
            }
        }
        raw.putAll(overrides);
        return new Settings(raw, env, source);
    }

    /** Where the properties were read from, as a Camel property location. */
    public String source() {
        return source;
    }

    /** The environment variable that overrides a key. */
    public static String envName(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The environment variable that sets a key: the one its value reads ({@code {{env:NAME:...}}},
     * as the reflector's ALeRCE names do), else the one named after the key.
     */
    public String envVariable(String key) {
        String value = raw.get(key);
        if (value != null) {
            java.util.regex.Matcher m = ENV_ONLY.matcher(value.trim());
            if (m.matches()) {
                return m.group(1);
            }
        }
        return envName(key);
    }

    private static final java.util.regex.Pattern ENV_ONLY = java.util.regex.Pattern.compile("\\{\\{env:([A-Za-z0-9_]+)(:[^}]*)?}}");

    /** The resolved value of a key, or null when neither the file, the environment nor the command line sets it. */
    public String get(String key) {
        return resolve(key, 0);
    }

    /** The resolved value, or {@code fallback} when unset or blank. */
    public String get(String key, String fallback) {
        String value = get(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** Every key known to the file or the command line, sorted. */
    public java.util.SortedSet<String> keys() {
        return new java.util.TreeSet<>(raw.keySet());
    }

    /** Every key known to the file or the command line, resolved, sorted. */
    public Map<String, String> resolvedAll() {
        Map<String, String> all = new TreeMap<>();
        for (String key : raw.keySet()) {
            all.put(key, get(key));
        }
        return all;
    }

    private String resolve(String key, int depth) {
        if (depth > 20) {
            throw new IllegalArgumentException(key + ": placeholders nest too deep (a cycle?)");
        }
        String value = raw.get(key);
        String fromEnv = env.get(envName(key));
        if (fromEnv != null && !isCommandLine(key)) {
            value = fromEnv;
        }
        return value == null ? null : expand(value, depth);
    }

    private boolean isCommandLine(String key) {
        return commandLine.contains(key);
    }

    /** Marks keys set on the command line: they win over the environment. */
    public Settings withCommandLine(Map<String, String> overrides) {
        Settings copy = new Settings(new LinkedHashMap<>(raw), env, source);
        copy.raw.putAll(overrides);
        copy.commandLine.addAll(commandLine);
        copy.commandLine.addAll(overrides.keySet());
        return copy;
    }

    private String expand(String value, int depth) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            int start = value.indexOf("{{", i);
            if (start < 0) {
                out.append(value, i, value.length());
                break;
            }
            int end = value.indexOf("}}", start);
            if (end < 0) {
                out.append(value, i, value.length());
                break;
            }
            out.append(value, i, start);
            out.append(lookup(value.substring(start + 2, end).trim(), depth));
            i = end + 2;
        }
        return out.toString();
    }

    private String lookup(String placeholder, int depth) {
        if (placeholder.startsWith("file:")) {
            Path file = Path.of(placeholder.substring(5).trim());
            try {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the secret file " + file + ": " + e.getClass().getSimpleName());
            }
        }
        if (placeholder.startsWith("env:")) {
            String rest = placeholder.substring(4);
            int colon = rest.indexOf(':');
            String name = colon < 0 ? rest : rest.substring(0, colon);
            String value = env.get(name);
            if (value == null) {
                value = env.get(name.toUpperCase(java.util.Locale.ROOT));
            }
            if (value != null) {
                return value;
            }
            if (colon >= 0) {
                return expand(rest.substring(colon + 1), depth + 1);
            }
            throw new IllegalArgumentException("environment variable " + name + " is not set");
        }
        int colon = placeholder.indexOf(':');
        String key = colon < 0 ? placeholder : placeholder.substring(0, colon);
        String value = resolve(key, depth + 1);
        if (value != null) {
            return value;
        }
        if (colon >= 0) {
            return expand(placeholder.substring(colon + 1), depth + 1);
        }
        throw new IllegalArgumentException("property " + key + " is not set");
    }
}
