package io.kafkasteps.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts a peer of a route, each as its users start it: kafka-steps through bin/kafka-steps (its
 * own JVM options, plus --app-env and --app-jvm; each route also exactly once), the hand-written
 * loops, Kafka Streams and MirrorMaker 2 with {@code java -cp}. Every peer reads the input on broker A.
 */
final class Peers {

    static final String KAFKA_STEPS = "kafka-steps";
    /** kafka-steps with --tuned-env. */
    static final String TUNED = "kafka-steps tuned";
    /** A route as the peer KAFKA_STEPS, plus {@link #exactlyOnceEnv}. */
    static final String EXACTLY_ONCE = "kafka-steps exactly-once";
    static final String HAND_LOOP = "hand loop";
    static final String STREAMS = "Kafka Streams";
    static final String RAW_LOOP = "raw loop";
    static final String MIRROR_MAKER = "MirrorMaker 2";

    private final Options options;
    private final Processes processes;

    Peers(Options options, Processes processes) {
        this.options = options;
        this.processes = processes;
    }

    /**
     * Starts {@code peer} of {@code route} from {@code in} to {@code sink} (on the route's sink broker; MirrorMaker 2
     * writes under the input's name), its consumer group (or Streams application id) named after {@code id}.
     */
    Process start(Route route, String peer, String logName, String in, String sink, String id) {
        return switch (peer) {
            case KAFKA_STEPS, TUNED, EXACTLY_ONCE -> app(route, peer, logName, in, sink, id);
            case HAND_LOOP -> processes.launch(logName,
                    processes.java("warn", HandSplitter.class.getName(), Brokers.A, in, sink, "hand-" + id), Map.of());
            case STREAMS -> processes.launch(logName, processes.java("warn", StreamsSplitter.class.getName(), Brokers.A, in, sink,
                    "streams-" + id, options.work().resolve("streams-state").toString()), Map.of());
            case RAW_LOOP -> processes.launch(logName,
                    processes.java("warn", RawCopy.class.getName(), Brokers.A, in, Brokers.B, sink, "raw-" + id), Map.of());
            case MIRROR_MAKER -> mirrorMaker(logName, in, "src" + id.replace("-", ""));
            default -> throw new IllegalArgumentException("no peer " + peer);
        };
    }

    /** kafka-steps as its users start it: bin/kafka-steps ROUTE, configured by its environment; --app-jvm goes in JAVA_OPTS. */
    private Process app(Route route, String peer, String logName, String in, String sink, String id) {
        Map<String, String> env = new LinkedHashMap<>(switch (route) {
            case SPLITTER -> Map.of("SPLITTER_BROKERS", Brokers.A, "SPLITTER_SOURCE_TOPIC", in, "SPLITTER_SINK_TOPIC", sink,
                    "SPLITTER_BATCH_PATH", "$.events[*]", "SPLITTER_KEY_PATH", "$.id", "SPLITTER_GROUP_ID", group(id));
            case REFLECTOR -> Map.of("CONSUMER_SERVER", Brokers.A, "CONSUMER_GROUP_ID", group(id), "CONSUMER_TOPICS", in,
                    "PRODUCER_SERVER", Brokers.B, "PRODUCER_TOPIC", sink);
        });
        if (peer.equals(TUNED)) {
            env.putAll(options.tunedEnv());
        }
        env.putAll(options.appEnv());
        if (peer.equals(EXACTLY_ONCE)) {
            env.putAll(exactlyOnceEnv(route, id));
        }
        env.put("JAVA", processes.java);
        // --app-jvm first, then a tuned peer's own JAVA_OPTS (--tuned-env JAVA_OPTS=...): a later JVM option wins
        List<String> jvm = new java.util.ArrayList<>(options.appJvm());
        if (peer.equals(TUNED) && options.tunedEnv().containsKey("JAVA_OPTS")) {
            jvm.add(options.tunedEnv().get("JAVA_OPTS"));
        }
        env.put("JAVA_OPTS", String.join(" ", jvm.stream().map(s -> s.replace("{log}", options.logs().resolve(logName).toString())).toList()));
        return processes.launch(logName, List.of(options.repo().resolve("bin/kafka-steps").toString(), route.app), env);
    }

    /**
     * What the peer EXACTLY_ONCE adds to the environment of KAFKA_STEPS. The splitter: each poll's events, dead letters and
     * source offsets in one Kafka transaction, its transactional.id new in every run (as its consumer group is). The
     * reflector: each source partition's copies of a poll and its next offset (kept on the sink in {@link #offsetsTopic})
     * in one transaction on the sink; its transactional ids, {@code <group>-<topic>-<partition>}, follow from the
     * group, new in every run.
     */
    static Map<String, String> exactlyOnceEnv(Route route, String id) {
        return switch (route) {
            case SPLITTER -> Map.of("SPLITTER_DELIVERY", "exactly-once", "SPLITTER_TRANSACTIONAL_ID", group(id));
            case REFLECTOR -> Map.of("REFLECTOR_DELIVERY", "exactly-once");
        };
    }

    /**
     * The topic on the sink cluster other than the sink that {@code peer} of {@code route} leaves behind, or null: the
     * exactly-once reflector's offsets (reflector.offsets.topic, by default {@code <group>.offsets}). Not part of the copy:
     * the harness reads only the sink, and deletes this after the run.
     */
    static String offsetsTopic(Route route, String peer, String id) {
        return route == Route.REFLECTOR && peer.equals(EXACTLY_ONCE) ? group(id) + ".offsets" : null;
    }

    /** The consumer group of kafka-steps in the run {@code id}. */
    static String group(String id) {
        return "bench-" + id;
    }

    /** MirrorMaker 2 in dedicated mode, copying {@code topic} from A (as cluster {@code alias}) to B. */
    private Process mirrorMaker(String logName, String topic, String alias) {
        Path cfg = options.work().resolve(logName + ".properties");
        try {
            Files.writeString(cfg, MirrorMakerConfig.properties(alias, topic));
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        return processes.launch(logName, processes.java("info", "org.apache.kafka.connect.mirror.MirrorMaker", cfg.toString(),
                "--clusters", "dst"), Map.of());
    }

    /** The JVM options bin/kafka-steps gives kafka-steps, as the script says them. */
    static String launcherOptions(Path repo) {
        try {
            Matcher m = Pattern.compile("(?m)^options=\"([^\"]+)\"").matcher(Files.readString(repo.resolve("bin/kafka-steps")));
            return m.find() ? m.group(1) : "?";
        } catch (IOException e) {
            return "?";
        }
    }
}
