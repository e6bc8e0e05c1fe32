package io.kafkasteps.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The orchestrator's command line: what bench/run passes (--repo, --work, --classpath-file,
 * --command) and the options given after bench/run (bench/README.md lists them), with their
 * defaults for a full and a --quick run.
 *
 * @param classpath the classpath of the brokers' tools, MirrorMaker 2 and the peers, this project's classes last
 * @param graceSeconds how long a stopped peer may take to exit before it is killed: longer with --app-jvm
 *        (a flight recording is written on exit)
 */
record Options(Path repo, Path work, String classpath, boolean quick, int runs, Set<String> only, String command,
               List<String> appJvm, Map<String, String> appEnv, Map<String, String> tunedEnv, long splitterEvents,
               Map<Integer, Long> reflectorRecords, Duration cap, int graceSeconds) {

    /** Every option: bench/run's own (repo, work, classpath-file, command) and those of bench/README.md. */
    private static final Set<String> KNOWN = Set.of("repo", "work", "classpath-file", "command", "quick", "runs", "only",
            "splitter-events", "records-500", "records-5000", "records-80000", "cap-seconds", "app-env", "tuned-env", "app-jvm");

    static Options parse(String[] args) throws IOException {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String k = a.substring(2);
            if (!KNOWN.contains(k)) {
                throw new IllegalArgumentException("unknown option " + a + " (bench/README.md lists the options)");
            }
            if (k.equals("quick")) {
                o.put(k, "true");
            } else if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            } else {
                o.put(k, args[++i]);
            }
        }
        Path repo = Path.of(o.getOrDefault("repo", ".")).toAbsolutePath().normalize();
        boolean quick = o.containsKey("quick");
        Map<Integer, Long> records = new LinkedHashMap<>();
        records.put(500, Long.parseLong(o.getOrDefault("records-500", quick ? "100000" : "500000")));
        records.put(5000, Long.parseLong(o.getOrDefault("records-5000", quick ? "10000" : "50000")));
        // 80 KB: a ZTF or LSST alert with its image cutouts (60-100 KB)
        records.put(80000, Long.parseLong(o.getOrDefault("records-80000", quick ? "2000" : "10000")));
        return new Options(
                repo,
                Path.of(o.getOrDefault("work", repo.resolve("bench/target/work").toString())).toAbsolutePath(),
                Files.readString(Path.of(o.get("classpath-file"))).trim() + ":" + repo.resolve("bench/target/classes"),
                quick,
                Integer.parseInt(o.getOrDefault("runs", quick ? "1" : "3")),
                o.containsKey("only") ? Set.of(o.get("only").split(",")) : Set.of("ceiling", "splitter", "reflector", "latency"),
                o.getOrDefault("command", "bench/run"),
                o.containsKey("app-jvm") ? List.of(o.get("app-jvm").trim().split("\\s+")) : List.of(),
                envList(o.get("app-env")),
                envList(o.get("tuned-env")),
                Long.parseLong(o.getOrDefault("splitter-events", quick ? "50000" : "150000")),
                Collections.unmodifiableMap(records),
                Duration.ofSeconds(Long.parseLong(o.getOrDefault("cap-seconds", quick ? "30" : "40"))),
                o.containsKey("app-jvm") ? 15 : 3);
    }

    /** Where every process's log goes. */
    Path logs() {
        return work.resolve("logs");
    }

    /**
     * The peers of a route's comparison: kafka-steps, with its tuned variant when --tuned-env is given, kafka-steps in the
     * route's other delivery guarantees, then the hand-written loop and the framework.
     */
    List<String> peers(Route route) {
        List<String> others = new ArrayList<>();
        if (!tunedEnv.isEmpty()) {
            others.add(Peers.TUNED);
        }
        others.add(route.handPeer);
        others.add(route.frameworkPeer);
        return route.kafkaStepsThen(others);
    }

    /** K=V,K=V as a map, in its order. */
    private static Map<String, String> envList(String list) {
        Map<String, String> m = new LinkedHashMap<>();
        if (list != null && !list.isBlank()) {
            for (String kv : list.split(",")) {
                String[] p = kv.split("=", 2);
                m.put(p[0].trim(), p[1].trim());
            }
        }
        return m;
    }
}
