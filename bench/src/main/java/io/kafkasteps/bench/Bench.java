package io.kafkasteps.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The benchmark orchestrator (issue 7). bench/run starts two brokers and then this class, which
 * generates the inputs, runs every peer as its own JVM against the real brokers, measures on the
 * sink, and writes BENCHMARKS.md and docs/benchmarks.png.
 *
 * <p>Throughput method: every sink topic is created with message.timestamp.type=LogAppendTime, so
 * each record carries the instant the sink broker appended it. The harness polls the sink's end
 * offsets every 100 ms until all expected records are there, then reads the first and the last
 * record of every partition: rate = records / (last append - first append). Start-up = first
 * append - the instant the process was launched. RSS = the highest VmRSS sampled every 100 ms.
 */
public final class Bench {

    static final String A = "127.0.0.1:19092";
    static final String B = "127.0.0.1:29092";
    static final int PARTITIONS = 4;
    static final String SENT_HEADER = "bench.sent.us";

    final Path repo;
    final Path work;
    final Path logs;
    final String classpath;
    final boolean quick;
    final int runs;
    final Set<String> only;
    final String command;
    final List<String> appJvm;
    final Map<String, String> appEnv;
    final Map<String, String> tunedEnv;
    final String java = ProcessHandle.current().info().command().orElse("java");
    final List<Process> children = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Admin> admins = new HashMap<>();
    final List<String> notes = new ArrayList<>();
    final List<String> loads = Collections.synchronizedList(new ArrayList<>());
    final long started = System.currentTimeMillis();
    final String loadAtStart = loadAverage();
    int seq;
    int graceSeconds = 3;

    // sizes
    final long splitterEvents;
    final int[] batchSizes = {10, 100, 1000};
    final int eventBytes = 300;
    final int[] recordSizes = {500, 5000, 80000};
    final Map<Integer, Long> reflectorRecords = new LinkedHashMap<>();
    final Duration cap;

    // results
    final Map<String, List<Run>> results = new LinkedHashMap<>();
    final Map<String, Latency> latencies = new LinkedHashMap<>();
    final Map<String, String> ceilingNotes = new LinkedHashMap<>();

    Bench(Map<String, String> o) throws IOException {
        repo = Path.of(o.getOrDefault("repo", ".")).toAbsolutePath().normalize();
        work = Path.of(o.getOrDefault("work", repo.resolve("bench/target/work").toString())).toAbsolutePath();
        logs = work.resolve("logs");
        Files.createDirectories(logs);
        classpath = Files.readString(Path.of(o.get("classpath-file"))).trim() + ":" + repo.resolve("bench/target/classes");
        quick = o.containsKey("quick");
        runs = Integer.parseInt(o.getOrDefault("runs", quick ? "1" : "3"));
        only = o.containsKey("only") ? Set.of(o.get("only").split(",")) : Set.of("ceiling", "splitter", "reflector", "latency");
        command = o.getOrDefault("command", "bench/run");
        appJvm = o.containsKey("app-jvm") ? List.of(o.get("app-jvm").trim().split("\\s+")) : List.of();
        graceSeconds = o.containsKey("app-jvm") ? 15 : 3;
        appEnv = envList(o.get("app-env"));
        tunedEnv = envList(o.get("tuned-env"));
        splitterEvents = Long.parseLong(o.getOrDefault("splitter-events", quick ? "50000" : "150000"));
        reflectorRecords.put(500, Long.parseLong(o.getOrDefault("records-500", quick ? "100000" : "500000")));
        reflectorRecords.put(5000, Long.parseLong(o.getOrDefault("records-5000", quick ? "10000" : "50000")));
        // 80 KB: a ZTF or LSST alert with its image cutouts (60-100 KB)
        reflectorRecords.put(80000, Long.parseLong(o.getOrDefault("records-80000", quick ? "2000" : "10000")));
        cap = Duration.ofSeconds(Long.parseLong(o.getOrDefault("cap-seconds", quick ? "30" : "40")));
    }

    static Map<String, String> envList(String list) {
        Map<String, String> m = new LinkedHashMap<>();
        if (list != null && !list.isBlank()) {
            for (String kv : list.split(",")) {
                String[] p = kv.split("=", 2);
                m.put(p[0].trim(), p[1].trim());
            }
        }
        return m;
    }

    /** The peers of a comparison: kafka-steps, with its tuned variant when --tuned-env is given, then the others. */
    List<String> peers(String... others) {
        List<String> l = new ArrayList<>();
        l.add("kafka-steps");
        if (!tunedEnv.isEmpty()) {
            l.add("kafka-steps tuned");
        }
        l.addAll(List.of(others));
        return l;
    }

    Map<String, String> with(Map<String, String> env, String peer) {
        Map<String, String> m = new LinkedHashMap<>(env);
        if (peer.equals("kafka-steps tuned")) {
            m.putAll(tunedEnv);
        }
        return m;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String k = a.substring(2);
            if (k.equals("quick")) {
                o.put(k, "true");
            } else {
                o.put(k, args[++i]);
            }
        }
        Bench b = new Bench(o);
        Runtime.getRuntime().addShutdownHook(new Thread(b::killAll));
        try {
            b.run();
        } finally {
            b.killAll();
            b.admins.values().forEach(Admin::close);
        }
    }

    void run() throws Exception {
        waitForBroker(A);
        waitForBroker(B);
        writeLog4j();
        if (only.contains("ceiling")) {
            ceiling();
        }
        if (only.contains("splitter")) {
            splitter();
        }
        if (only.contains("reflector")) {
            reflector();
        }
        if (only.contains("latency")) {
            latency();
        }
        Report.write(this);
    }

    // ------------------------------------------------------------------------------------------
    // Ceiling: Kafka's own ProducerPerformance and ConsumerPerformance
    // ------------------------------------------------------------------------------------------

    void ceiling() throws Exception {
        int[] sizes = {eventBytes, 500, 5000, 80000};
        for (int r = 1; r <= runs; r++) {
            for (int size : sizes) {
                long n = size == eventBytes ? splitterEvents : reflectorRecords.get(size);
                Map<String, Object> tuning = size == eventBytes ? Settings.splitterProducerTuning() : Settings.reflectorProducerTuning();
                String topic = "ceiling-" + size + "-r" + r + "-" + (seq++);
                createTopic(A, topic, PARTITIONS, false);
                log("ceiling: ProducerPerformance %d x %d B (run %d)", n, size, r);
                List<String> tool = new ArrayList<>(List.of(
                        "org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records", "" + n,
                        "--record-size", "" + size, "--throughput", "-1", "--producer-props", "bootstrap.servers=" + A));
                tuning.forEach((k, v) -> tool.add(k + "=" + v));
                String out = runTool("ProducerPerformance-" + size + "-r" + r, tool);
                Matcher m = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec.*?([\\d.]+) ms avg latency, ([\\d.]+) ms max latency")
                        .matcher(lastMatchingLine(out, "records sent"));
                if (m.find()) {
                    double rps = Double.parseDouble(m.group(2));
                    add("ceiling.producer." + size, new Run("ProducerPerformance", n, n / rps, rps, rps * size / 1e6, Double.NaN, 0, false));
                }
                log("ceiling: ConsumerPerformance %d x %d B (run %d)", n, size, r);
                String cout = runTool("ConsumerPerformance-" + size + "-r" + r, List.of(
                        "org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", A, "--topic", topic,
                        "--messages", "" + n, "--timeout", "60000", "--group", "perf-" + topic));
                // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
                // rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
                for (String line : cout.split("\n")) {
                    String[] f = line.split(",\\s*");
                    if (f.length >= 10 && f[4].trim().matches("\\d+")) {
                        long cnt = Long.parseLong(f[4].trim());
                        double rps = Double.parseDouble(f[5].trim());
                        add("ceiling.consumer." + size, new Run("ConsumerPerformance", cnt, cnt / rps, rps, rps * size / 1e6, Double.NaN, 0, false));
                    }
                }
                deleteTopic(A, topic);
            }
        }
    }

    String runTool(String name, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java, "-Dlog4j.configuration=file:" + work.resolve("log4j-warn.properties"), "-cp", classpath));
        cmd.addAll(args);
        Process p = launch(name, cmd, Map.of(), repo);
        if (!p.waitFor(cap.toSeconds() * 2, TimeUnit.SECONDS)) {
            stop(p);
            notes.add(name + " did not finish in time");
        }
        children.remove(p);
        return Files.readString(logs.resolve(name + ".log"));
    }

    static String lastMatchingLine(String text, String needle) {
        String last = "";
        for (String line : text.split("\n")) {
            if (line.contains(needle)) {
                last = line;
            }
        }
        return last;
    }

    // ------------------------------------------------------------------------------------------
    // Splitter: our jar vs a hand-written loop vs Kafka Streams
    // ------------------------------------------------------------------------------------------

    void splitter() throws Exception {
        for (int batch : batchSizes) {
            String in = "splitter-in-" + batch + "-" + (seq++);
            createTopic(A, in, PARTITIONS, false);
            double avg = generateBatches(in, splitterEvents, batch, false);
            log("splitter: %d events in batches of %d on %s (%.0f B per event record)", splitterEvents, batch, in, avg);
            for (int r = 1; r <= runs; r++) {
                for (String peer : peers("hand loop", "Kafka Streams")) {
                    String id = "b" + batch + "-r" + r + "-" + (seq++);
                    String sink = "splitter-out-" + id;
                    String logName = "splitter-" + peer.replace(' ', '_') + "-" + id;
                    Supplier<Process> start = switch (peer) {
                        case "kafka-steps", "kafka-steps tuned" -> () -> launchApp(logName, "batch-to-stream", with(Map.of(
                                "SPLITTER_BROKERS", A, "SPLITTER_SOURCE_TOPIC", in, "SPLITTER_SINK_TOPIC", sink,
                                "SPLITTER_BATCH_PATH", "$.events[*]", "SPLITTER_KEY_PATH", "$.id", "SPLITTER_GROUP_ID", "bench-" + id), peer));
                        case "hand loop" -> () -> handLoop(logName, in, sink, id);
                        default -> () -> launch(logName, peerCmd("io.kafkasteps.bench.StreamsSplitter", A, in, sink, "streams-" + id,
                                work.resolve("streams-state").toString()), Map.of(), repo);
                    };
                    Run run = measure(peer, start, A, sink, splitterEvents, avg, logName);
                    add("splitter." + batch + "." + peer, run);
                }
            }
            deleteTopic(A, in);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Reflector: our jar vs MirrorMaker 2 vs a hand-written raw copy, broker A -> broker B
    // ------------------------------------------------------------------------------------------

    void reflector() throws Exception {
        for (Map.Entry<Integer, Long> e : reflectorRecords.entrySet()) {
            int size = e.getKey();
            long n = e.getValue();
            String in = "reflector-in-" + size + "-" + (seq++);
            createTopic(A, in, PARTITIONS, false);
            generateRaw(A, in, n, size, 0, false);
            log("reflector: %d records of %d B on %s", n, size, in);
            double avg = size + 16;
            for (int r = 1; r <= runs; r++) {
                for (String peer : peers("raw loop", "MirrorMaker 2")) {
                    String id = "s" + size + "-r" + r + "-" + (seq++);
                    String sink = peer.equals("MirrorMaker 2") ? in : "reflector-out-" + id;
                    String logName = "reflector-" + peer.replace(' ', '_') + "-" + id;
                    Supplier<Process> start = switch (peer) {
                        case "kafka-steps", "kafka-steps tuned" -> () -> launchApp(logName, "reflector", with(Map.of(
                                "CONSUMER_SERVER", A, "CONSUMER_GROUP_ID", "bench-" + id, "CONSUMER_TOPICS", in,
                                "PRODUCER_SERVER", B, "PRODUCER_TOPIC", sink), peer));
                        case "raw loop" -> () -> rawLoop(logName, in, sink, id);
                        default -> () -> launchMirrorMaker(logName, in, "src" + id.replace("-", ""));
                    };
                    Run run = measure(peer, start, B, sink, n, avg, logName);
                    add("reflector." + size + "." + peer, run);
                }
            }
            deleteTopic(A, in);
        }
    }

    /** The hand-written splitter peer, from {@code in} on A to {@code sink} on A. */
    Process handLoop(String logName, String in, String sink, String id) {
        return launch(logName, peerCmd("io.kafkasteps.bench.HandSplitter", A, in, sink, "hand-" + id), Map.of(), repo);
    }

    /** The hand-written raw-copy peer of the reflector, from {@code in} on A to {@code sink} on B. */
    Process rawLoop(String logName, String in, String sink, String id) {
        return launch(logName, peerCmd("io.kafkasteps.bench.RawCopy", A, in, B, sink, "raw-" + id), Map.of(), repo);
    }

    Process launchMirrorMaker(String logName, String topic, String alias) {
        Path cfg = work.resolve(logName + ".properties");
        String props = String.join("\n",
                "clusters=" + alias + ", dst",
                alias + ".bootstrap.servers=" + A,
                "dst.bootstrap.servers=" + B,
                alias + "->dst.enabled=true",
                "dst->" + alias + ".enabled=false",
                alias + "->dst.topics=" + topic,
                "replication.policy.class=org.apache.kafka.connect.mirror.IdentityReplicationPolicy",
                "tasks.max=1",
                "replication.factor=1",
                "checkpoints.topic.replication.factor=1",
                "heartbeats.topic.replication.factor=1",
                "offset-syncs.topic.replication.factor=1",
                "offset.storage.replication.factor=1",
                "status.storage.replication.factor=1",
                "config.storage.replication.factor=1",
                "emit.heartbeats.enabled=false",
                "emit.checkpoints.enabled=false",
                "sync.group.offsets.enabled=false",
                "sync.topic.acls.enabled=false",
                "sync.topic.configs.enabled=false",
                "refresh.topics.interval.seconds=600",
                "refresh.groups.enabled=false",
                // the same producer settings as the reflector and the raw loop
                Settings.reflectorProducerTuning().entrySet().stream().map(e -> "dst.producer." + e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("\n")),
                alias + ".consumer.max.poll.records=" + Settings.REFLECTOR_MAX_POLL_RECORDS,
                alias + ".consumer.auto.offset.reset=earliest",
                "");
        try {
            Files.writeString(cfg, props);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(java, "-Dlog4j.configuration=file:" + work.resolve("log4j-info.properties"), "-cp", classpath,
                "org.apache.kafka.connect.mirror.MirrorMaker", cfg.toString(), "--clusters", "dst"));
        return launch(logName, cmd, Map.of(), repo);
    }

    // ------------------------------------------------------------------------------------------
    // Latency at about half of the measured maximum
    // ------------------------------------------------------------------------------------------

    void latency() throws Exception {
        double splitMax = median(results.getOrDefault("splitter.100.kafka-steps", List.of()), x -> x.perSec);
        double reflMax = median(results.getOrDefault("reflector.500.kafka-steps", List.of()), x -> x.perSec);
        if (Double.isNaN(splitMax)) {
            splitMax = 20000;
            notes.add("latency: no splitter throughput measured in this run; 10,000 events/s used");
        }
        if (Double.isNaN(reflMax)) {
            reflMax = 40000;
            notes.add("latency: no reflector throughput measured in this run; 20,000 records/s used");
        }
        int seconds = quick ? 10 : 15;
        // each route's peer at the same rate, in the same run: this machine's share of the latency
        for (int r = 1; r <= runs; r++) {
            latencyRun("splitter", "kafka-steps", splitMax / 2, seconds, r);
            latencyRun("splitter", "hand loop", splitMax / 2, seconds, r);
            latencyRun("reflector", "kafka-steps", reflMax / 2, seconds, r);
            latencyRun("reflector", "raw loop", reflMax / 2, seconds, r);
        }
    }

    /** Latency of one peer of a route ({@code kafka-steps}, or the hand-written loop) at a fixed rate. */
    void latencyRun(String kind, String peer, double rate, int seconds, int r) throws Exception {
        String id = kind + "-" + peer.replace(' ', '-') + "-r" + r + "-" + (seq++);
        String in = "latency-in-" + id;
        String sink = "latency-out-" + id;
        boolean split = kind.equals("splitter");
        String sinkBrokers = split ? A : B;
        createTopic(A, in, PARTITIONS, false);
        createTopic(sinkBrokers, sink, PARTITIONS, true);
        String logName = "latency-" + id;
        Process app = switch (peer) {
            case "hand loop" -> handLoop(logName, in, sink, id);
            case "raw loop" -> rawLoop(logName, in, sink, id);
            default -> split
                    ? launchApp(logName, "batch-to-stream", Map.of("SPLITTER_BROKERS", A, "SPLITTER_SOURCE_TOPIC", in,
                            "SPLITTER_SINK_TOPIC", sink, "SPLITTER_BATCH_PATH", "$.events[*]", "SPLITTER_KEY_PATH", "$.id",
                            "SPLITTER_GROUP_ID", "bench-" + id))
                    : launchApp(logName, "reflector", Map.of("CONSUMER_SERVER", A, "CONSUMER_GROUP_ID", "bench-" + id,
                            "CONSUMER_TOPICS", in, "PRODUCER_SERVER", B, "PRODUCER_TOPIC", sink));
        };
        int batch = 100;
        double unitsPerSec = split ? rate / batch : rate;
        log("latency: %s (%s) at %.0f %s/s for %d s (+%d s warm-up)", kind, peer, rate, split ? "events" : "records", seconds, quick ? 3 : 5);
        // the sink reader: latency = receive instant - send instant carried in a header
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicLongArray window = new java.util.concurrent.atomic.AtomicLongArray(2);
        long warmupUs = quick ? 3_000_000L : 5_000_000L;
        java.util.concurrent.atomic.AtomicBoolean readerStop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean anyReceived = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> c = consumer(sinkBrokers, 500)) {
                List<TopicPartition> tps = partitions(sink);
                c.assign(tps);
                c.seekToBeginning(tps);
                while (!readerStop.get()) {
                    ConsumerRecords<byte[], byte[]> recs = c.poll(Duration.ofMillis(100));
                    long now = nowMicros();
                    for (ConsumerRecord<byte[], byte[]> rec : recs) {
                        anyReceived.set(true);
                        Header h = rec.headers().lastHeader(SENT_HEADER);
                        if (h != null) {
                            long sent = bytesToLong(h.value());
                            if (window.get(0) != 0 && sent >= window.get(0) && sent < window.get(1)) {
                                samples.add(now - sent);
                            }
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                // done
            }
        }, "latency-reader");
        reader.start();
        long rssMax = 0;
        long sentInWindow = 0;
        Map<String, Object> pc = new HashMap<>();
        pc.put("bootstrap.servers", A);
        pc.put("acks", "all");
        pc.put("linger.ms", "0");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pc, new ByteArraySerializer(), new ByteArraySerializer())) {
            Random random = new Random(42);
            byte[] payload = new byte[500];
            random.nextBytes(payload);
            // start-up: probe until the route delivers, so the timed load does not queue behind the start
            long launched = System.currentTimeMillis();
            long probes = 0;
            while (!anyReceived.get()) {
                if (System.currentTimeMillis() - launched > 60000) {
                    notes.add("latency " + kind + " (" + peer + "): nothing delivered within 60 s of the start");
                    break;
                }
                RecordHeaders ph = new RecordHeaders();
                ph.add(SENT_HEADER, longToBytes(0));
                producer.send(new ProducerRecord<>(in, null, (byte[]) null, split ? batchJson(-1 - probes, 1, 0) : payload, ph));
                probes++;
                Thread.sleep(250);
            }
            log("latency: %s (%s) delivering %.1f s after launch", kind, peer, (System.currentTimeMillis() - launched) / 1000.0);
            long startUs = nowMicros();
            window.set(0, startUs + warmupUs);
            window.set(1, startUs + warmupUs + seconds * 1_000_000L);
            long startNs = System.nanoTime();
            long units = 0;
            long nextRss = 0;
            long ev = 0;
            while (true) {
                long elapsedNs = System.nanoTime() - startNs;
                if (elapsedNs > (warmupUs + seconds * 1_000_000L) * 1000) {
                    break;
                }
                long due = (long) (elapsedNs / 1e9 * unitsPerSec);
                while (units < due) {
                    long sent = nowMicros();
                    RecordHeaders headers = new RecordHeaders();
                    headers.add(SENT_HEADER, longToBytes(sent));
                    byte[] value;
                    byte[] key;
                    if (split) {
                        value = batchJson(units, batch, ev);
                        ev += batch;
                        key = ("batch-" + units).getBytes(StandardCharsets.UTF_8);
                    } else {
                        value = payload;
                        key = ("k-" + units).getBytes(StandardCharsets.UTF_8);
                    }
                    producer.send(new ProducerRecord<>(in, null, key, value, headers));
                    if (sent >= window.get(0) && sent < window.get(1)) {
                        sentInWindow += split ? batch : 1;
                    }
                    units++;
                }
                if (System.currentTimeMillis() > nextRss) {
                    rssMax = Math.max(rssMax, rssKb(app.pid()));
                    nextRss = System.currentTimeMillis() + 200;
                }
                Thread.sleep(1);
            }
        }
        Thread.sleep(3000); // the tail
        readerStop.set(true);
        reader.join(10000);
        stop(app);
        List<Long> s;
        synchronized (samples) {
            s = new ArrayList<>(samples);
        }
        Collections.sort(s);
        Latency l = new Latency(kind, rate, seconds, sentInWindow, s.size(), pct(s, 50), pct(s, 99), pct(s, 99.9),
                s.isEmpty() ? Double.NaN : s.get(s.size() - 1) / 1000.0, rssMax);
        log("latency: %s (%s) p50 %.1f ms p99 %.1f ms max %.1f ms (%d of %d received) RSS %d MB", kind, peer, l.p50, l.p99, l.max, l.received,
                l.sent, rssMax / 1024);
        latencies.merge(kind + "|" + peer, l, (a, b) -> a.merge(b));
        deleteTopic(A, in);
        deleteTopic(sinkBrokers, sink);
    }

    static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1000.0;
    }

    // ------------------------------------------------------------------------------------------
    // Measuring one peer on its sink
    // ------------------------------------------------------------------------------------------

    Run measure(String peer, Supplier<Process> start, String sinkBrokers, String sink, long expected, double bytesPerRecord, String logName)
            throws Exception {
        createTopic(sinkBrokers, sink, PARTITIONS, true);
        List<TopicPartition> tps = partitions(sink);
        long launched = System.currentTimeMillis();
        Process p = start.get();
        long rssMax = 0;
        boolean capped = false;
        long total = 0;
        String failure = null;
        try (KafkaConsumer<byte[], byte[]> c = consumer(sinkBrokers, 1)) {
            Map<TopicPartition, Long> ends = Map.of();
            while (true) {
                Thread.sleep(100);
                rssMax = Math.max(rssMax, rssKb(p.pid()));
                ends = c.endOffsets(tps);
                total = ends.values().stream().mapToLong(Long::longValue).sum();
                if (total >= expected) {
                    break;
                }
                if (!p.isAlive()) {
                    failure = peer + " exited with " + p.exitValue() + " after " + total + " records (see " + logName + ".log)";
                    break;
                }
                if (System.currentTimeMillis() - launched > cap.toMillis()) {
                    capped = true;
                    break;
                }
            }
            rssMax = Math.max(rssMax, hwmKb(p.pid()));
            loads.add(loadAverage().split(" ")[0]);
            stop(p);
            ends = c.endOffsets(tps);
            total = ends.values().stream().mapToLong(Long::longValue).sum();
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            long t95 = Long.MIN_VALUE;
            long n95 = 0;
            for (TopicPartition tp : tps) {
                long end = ends.get(tp);
                if (end == 0) {
                    continue;
                }
                first = Math.min(first, timestampAt(c, tp, 0));
                last = Math.max(last, timestampAt(c, tp, end - 1));
                long o95 = Math.max(0, (long) Math.floor(end * 0.95) - 1);
                t95 = Math.max(t95, timestampAt(c, tp, o95));
                n95 += o95 + 1;
            }
            deleteTopic(sinkBrokers, sink);
            if (failure != null) {
                notes.add(failure);
            }
            if (total == 0) {
                log("%-14s %s: nothing delivered%s", peer, sink, failure == null ? "" : " (" + failure + ")");
                return new Run(peer, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, rssMax, capped, Double.NaN, Double.NaN);
            }
            double seconds = Math.max(1, last - first) / 1000.0;
            double rate = total / seconds;
            double rate95 = n95 / (Math.max(1, t95 - first) / 1000.0);
            Run run = new Run(peer, total, seconds, rate, rate * bytesPerRecord / 1e6, (first - launched) / 1000.0, rssMax, capped,
                    rate95, (last - t95) / 1000.0);
            log("%-14s %s: %d records in %.2f s = %.0f/s (%.1f MB/s; first 95%%: %.0f/s, last 5%% took %.2f s), first record %.1f s after launch, RSS %d MB%s",
                    peer, sink, total, seconds, rate, run.mbPerSec, rate95, run.tailSec, run.firstRecordSec, rssMax / 1024,
                    capped ? " (CAPPED at " + cap.toSeconds() + " s)" : "");
            return run;
        } finally {
            if (p.isAlive()) {
                stop(p);
            }
        }
    }

    static long timestampAt(KafkaConsumer<byte[], byte[]> c, TopicPartition tp, long offset) {
        c.assign(List.of(tp));
        c.seek(tp, offset);
        long deadline = System.currentTimeMillis() + 10000;
        while (System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                return r.timestamp();
            }
        }
        throw new IllegalStateException("no record at " + tp + "@" + offset);
    }

    // ------------------------------------------------------------------------------------------
    // Inputs
    // ------------------------------------------------------------------------------------------

    /** Writes `events` events in batch records of `batch`; returns the mean bytes of one event record (key + value). */
    double generateBatches(String topic, long events, int batch, boolean unused) throws Exception {
        long records = (events + batch - 1) / batch;
        long bytes = 0;
        long ev = 0;
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(generatorProps(A), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < records; i++) {
                int n = (int) Math.min(batch, events - ev);
                byte[] value = batchJson(i, n, ev);
                ev += n;
                p.send(new ProducerRecord<>(topic, null, ("batch-" + i).getBytes(StandardCharsets.UTF_8), value,
                        new RecordHeaders().add("source", "bench".getBytes(StandardCharsets.UTF_8))));
            }
            p.flush();
        }
        // every event is eventBytes of compact JSON plus its key "ev-<12 digits>"
        bytes = events * (eventBytes + 15L);
        return bytes / (double) events;
    }

    /** One batch: {"batch":i,"events":[...]} with `n` events of exactly eventBytes bytes each. */
    byte[] batchJson(long batchId, int n, long firstEvent) {
        StringBuilder sb = new StringBuilder(n * (eventBytes + 1) + 40);
        sb.append("{\"batch\":").append(batchId).append(",\"events\":[");
        for (int j = 0; j < n; j++) {
            if (j > 0) {
                sb.append(',');
            }
            long e = firstEvent + j;
            int start = sb.length();
            sb.append(String.format(Locale.ROOT,
                    "{\"id\":\"ev-%012d\",\"seq\":%d,\"ts\":%d,\"ra\":%.6f,\"dec\":%.6f,\"mag\":%.3f,\"flags\":[1,2,3],\"payload\":\"",
                    e, e, 1_700_000_000_000L + e, (e % 360000) / 1000.0, ((e % 180000) - 90000) / 1000.0, 15 + (e % 7000) / 1000.0));
            while (sb.length() - start < eventBytes - 2) {
                sb.append((char) ('a' + (sb.length() % 26)));
            }
            sb.append("\"}");
        }
        sb.append("]}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    void generateRaw(String brokers, String topic, long n, int size, int unused, boolean unused2) throws Exception {
        Random random = new Random(7);
        byte[][] values = new byte[64][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new byte[size];
            random.nextBytes(values[i]);
        }
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(generatorProps(brokers), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < n; i++) {
                byte[] key = String.format("k-%014d", i).getBytes(StandardCharsets.UTF_8);
                p.send(new ProducerRecord<>(topic, null, key, values[(int) (i % values.length)],
                        new RecordHeaders().add("source", "bench".getBytes(StandardCharsets.UTF_8))));
            }
            p.flush();
        }
    }

    static Map<String, Object> generatorProps(String brokers) {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", brokers);
        m.put("acks", "1");
        m.put("linger.ms", "20");
        m.put("batch.size", "1048576");
        m.put("max.request.size", "8388608");
        m.put("buffer.memory", "134217728");
        return m;
    }

    // ------------------------------------------------------------------------------------------
    // Processes
    // ------------------------------------------------------------------------------------------

    /** kafka-steps as its users start it: bin/kafka-steps, with its JVM options; --app-jvm goes in JAVA_OPTS. */
    Process launchApp(String logName, String route, Map<String, String> env) {
        List<String> cmd = List.of(repo.resolve("bin/kafka-steps").toString(), route);
        Map<String, String> all = new LinkedHashMap<>(env);
        all.putAll(appEnv);
        all.put("JAVA", java);
        all.put("JAVA_OPTS", String.join(" ", appJvm.stream().map(s -> s.replace("{log}", logs.resolve(logName).toString())).toList()));
        return launch(logName, cmd, all, repo);
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

    List<String> peerCmd(String main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java, "-Dlog4j.configuration=file:" + work.resolve("log4j-warn.properties"), "-cp", classpath, main));
        cmd.addAll(List.of(args));
        return cmd;
    }

    Process launch(String name, List<String> cmd, Map<String, String> env, Path cwd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                    .redirectOutput(logs.resolve(name + ".log").toFile());
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("JDK_JAVA_OPTIONS");
            pb.environment().putAll(env);
            Process p = pb.start();
            children.add(p);
            return p;
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    void stop(Process p) {
        try {
            p.destroy();
            if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        children.remove(p);
    }

    void killAll() {
        List<Process> all;
        synchronized (children) {
            all = new ArrayList<>(children);
        }
        for (Process p : all) {
            p.destroyForcibly();
        }
    }

    static long rssKb(long pid) {
        return statusKb(pid, "VmRSS:");
    }

    static long hwmKb(long pid) {
        return statusKb(pid, "VmHWM:");
    }

    static long statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    // ------------------------------------------------------------------------------------------
    // Kafka helpers
    // ------------------------------------------------------------------------------------------

    Admin admin(String brokers) {
        return admins.computeIfAbsent(brokers, b -> Admin.create(Map.of("bootstrap.servers", b)));
    }

    void waitForBroker(String brokers) throws Exception {
        long deadline = System.currentTimeMillis() + 60000;
        while (true) {
            try {
                admin(brokers).describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    void createTopic(String brokers, String topic, int partitions, boolean logAppendTime) throws Exception {
        NewTopic t = new NewTopic(topic, partitions, (short) 1);
        if (logAppendTime) {
            t.configs(Map.of("message.timestamp.type", "LogAppendTime"));
        }
        for (int attempt = 0; ; attempt++) {
            try {
                admin(brokers).createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
                break;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException && attempt < 50) {
                    Thread.sleep(200); // a deletion of the same name still in progress
                    continue;
                }
                throw e;
            }
        }
        // wait until every partition has a leader
        long deadline = System.currentTimeMillis() + 30000;
        while (System.currentTimeMillis() < deadline) {
            try {
                var d = admin(brokers).describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                if (d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null)) {
                    return;
                }
            } catch (ExecutionException e) {
                // not yet known
            }
            Thread.sleep(100);
        }
    }

    void deleteTopic(String brokers, String topic) throws Exception {
        try {
            admin(brokers).deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // already gone
        }
        long deadline = System.currentTimeMillis() + 30000;
        while (System.currentTimeMillis() < deadline && admin(brokers).listTopics().names().get().contains(topic)) {
            Thread.sleep(100);
        }
    }

    static List<TopicPartition> partitions(String topic) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < PARTITIONS; i++) {
            tps.add(new TopicPartition(topic, i));
        }
        return tps;
    }

    static KafkaConsumer<byte[], byte[]> consumer(String brokers, int maxPoll) {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", brokers);
        m.put("enable.auto.commit", "false");
        m.put("max.poll.records", maxPoll);
        m.put("auto.offset.reset", "earliest");
        return new KafkaConsumer<>(m, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    void writeLog4j() throws IOException {
        for (String level : List.of("warn", "info")) {
            Files.writeString(work.resolve("log4j-" + level + ".properties"), String.join("\n",
                    "log4j.rootLogger=" + level.toUpperCase(Locale.ROOT) + ", stdout",
                    "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
                    "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
                    "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
                    "log4j.logger.org.apache.kafka.clients.producer.ProducerConfig=INFO",
                    ""));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Bits
    // ------------------------------------------------------------------------------------------

    void add(String key, Run run) {
        results.computeIfAbsent(key, k -> new ArrayList<>()).add(run);
    }

    void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[bench %5.0fs] %s%n", (System.currentTimeMillis() - started) / 1000.0, String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    static byte[] longToBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>= 8;
        }
        return b;
    }

    static long bytesToLong(byte[] b) {
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xff);
        }
        return v;
    }

    static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        List<Double> v = runs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).boxed().sorted().toList();
        if (v.isEmpty()) {
            return Double.NaN;
        }
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String kafkaVersion() {
        return AppInfoParser.getVersion();
    }

    /** One measured run of one peer. */
    record Run(String peer, long count, double seconds, double perSec, double mbPerSec, double firstRecordSec, long rssKb, boolean capped,
               double steadyPerSec, double tailSec) {
        Run(String peer, long count, double seconds, double perSec, double mbPerSec, double firstRecordSec, long rssKb, boolean capped) {
            this(peer, count, seconds, perSec, mbPerSec, firstRecordSec, rssKb, capped, Double.NaN, Double.NaN);
        }
    }

    /** Latency of one kind (merged over runs: the percentiles of each run are kept). */
    record Latency(String kind, double rate, int seconds, long sent, long received, double p50, double p99, double p999, double max, long rssKb,
                   List<Latency> runs) {
        Latency(String kind, double rate, int seconds, long sent, long received, double p50, double p99, double p999, double max, long rssKb) {
            this(kind, rate, seconds, sent, received, p50, p99, p999, max, rssKb, new ArrayList<>());
        }

        Latency merge(Latency other) {
            List<Latency> all = new ArrayList<>(runs.isEmpty() ? List.of(this) : runs);
            all.add(other);
            Latency first = all.get(0);
            return new Latency(kind, first.rate, first.seconds, first.sent, first.received, first.p50, first.p99, first.p999, first.max, first.rssKb, all);
        }

        List<Latency> all() {
            return runs.isEmpty() ? List.of(this) : runs;
        }
    }
}
