package io.kafkasteps.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kafkasteps.Settings;
import io.kafkasteps.testing.AppProcess;

/** Starts the packaged jar for the fault tests and reads its output. */
final class Jar {

    /**
     * A consumer that dies without leaving its group (kill -9) holds its partitions until its
     * session times out: Kafka's default is 45 s, the broker's minimum 6 s. The tests use the
     * minimum, set on the command line as any deployment could (--set, no route change).
     */
    static final List<String> FAST_FAILOVER = List.of(
            "--set", "splitter.session.timeout.ms=6000", "--set", "splitter.heartbeat.interval.ms=1000",
            "--set", "reflector.session.timeout.ms=6000", "--set", "reflector.heartbeat.interval.ms=1000");

    /**
     * The kill loops restart a process straight after each SIGKILL; with the 6 s session the new
     * run waits out the dead one's membership every time (about 4 s of 6 s per kill). Their brokers
     * allow 3 s ({@code group.min.session.timeout.ms}), a setting a deployment can choose as well.
     */
    static final List<String> QUICK_REJOIN = List.of(
            "--set", "splitter.session.timeout.ms=3000", "--set", "splitter.heartbeat.interval.ms=1000",
            "--set", "reflector.session.timeout.ms=3000", "--set", "reflector.heartbeat.interval.ms=1000");

    private Jar() {
    }

    /** The reflector copying one topic between two brokers, set by ALeRCE's environment variables. */
    static Map<String, String> reflector(String sourceServers, String sinkServers, String topic, String group) {
        Map<String, String> env = new HashMap<>();
        env.put("CONSUMER_SERVER", sourceServers);
        env.put("CONSUMER_GROUP_ID", group);
        env.put("CONSUMER_TOPICS", topic);
        env.put("CONSUME_TIMEOUT", "1");
        env.put("PRODUCER_SERVER", sinkServers);
        return env;
    }

    /** Environment variables for settings keys, named as the launcher reads them. */
    static Map<String, String> env(Map<String, String> settings) {
        Map<String, String> env = new HashMap<>();
        settings.forEach((k, v) -> env.put(Settings.envName(k), v));
        return env;
    }

    static AppProcess start(Map<String, String> env, String... routes) {
        return start(env, FAST_FAILOVER, routes);
    }

    /** As {@link #start}, for a process the test kills with SIGKILL and starts again at once. */
    static AppProcess startToKill(Map<String, String> env, String... routes) {
        return start(env, QUICK_REJOIN, routes);
    }

    private static AppProcess start(Map<String, String> env, List<String> group, String... routes) {
        List<String> args = new ArrayList<>(List.of(routes));
        args.addAll(group);
        return AppProcess.start(env, args.toArray(String[]::new));
    }

    /** Lines of the output that contain every one of the fragments. */
    static long lines(String output, String... fragments) {
        return output.lines().filter(l -> {
            for (String f : fragments) {
                if (!l.contains(f)) {
                    return false;
                }
            }
            return true;
        }).count();
    }

    /** The last lines of an output, for assertion messages. */
    static String tail(String output, int lines) {
        List<String> all = output.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** WARN lines counted per logger (slf4j-simple's short name after "WARN"), most frequent first. */
    static String warnKinds(List<String> lines) {
        Map<String, Long> kinds = new java.util.TreeMap<>();
        for (String l : lines) {
            int w = l.indexOf(" WARN ");
            if (w >= 0) {
                String rest = l.substring(w + 6).trim();
                int dash = rest.indexOf(" - ");
                kinds.merge(dash > 0 ? rest.substring(0, dash) : rest, 1L, Long::sum);
            }
        }
        return kinds.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
    }

    /** Keeps a process's output lines beside the report, for reading after a run. */
    static void keep(String name, List<String> lines) {
        try {
            java.nio.file.Path dir = FaultReport.DIR.resolve("logs");
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.write(dir.resolve(name + ".log"), lines, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
