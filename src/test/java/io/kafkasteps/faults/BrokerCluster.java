package io.kafkasteps.faults;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.kafkasteps.testing.Management;
import io.kafkasteps.testing.Records;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A real three-node KRaft cluster on 127.0.0.1, each node its own JVM ({@code java -cp <this JVM's
 * class path> kafka.Kafka server.properties}), so that one node can be killed with SIGKILL
 * ({@link Process#destroyForcibly()} on Linux) and started again on the same ports and log
 * directory, as a crashed machine comes back.
 *
 * <p>Every node is broker and controller (three voters: the quorum survives one node). Replication
 * as a production cluster has it: {@code default.replication.factor=3}, {@code
 * min.insync.replicas=2}, internal topics at replication factor 3; so with one node down, {@code
 * acks=all} writes go on. Failure detection is Kafka's default: a killed node is fenced (and its
 * partitions get new leaders) when its broker session of 9 s ({@code broker.session.timeout.ms})
 * runs out. {@code leader.imbalance.check.interval.seconds=5}: a node that comes back takes its
 * preferred leaderships back within seconds, a second (clean) leader move the clients live through.
 * Threads and heap are kept small for a 2-core machine.
 */
final class BrokerCluster implements AutoCloseable {

    static final int NODES = 3;
    private static final Duration READY = Duration.ofSeconds(120);

    private final String name;
    private final Path dir;
    private final String clusterId = Uuid.randomUuid().toString();
    private final int[] ports = new int[NODES + 1];
    private final int[] controllerPorts = new int[NODES + 1];
    private final Process[] processes = new Process[NODES + 1];
    private final Thread reaper;
    private Admin admin;

    private BrokerCluster(String name) throws IOException {
        this.name = name;
        this.dir = Files.createTempDirectory("kafka-steps-cluster");
        for (int id = 1; id <= NODES; id++) {
            ports[id] = Management.freePort();
            controllerPorts[id] = Management.freePort();
        }
        // Whatever happens to the test JVM, no broker JVM outlives it.
        reaper = new Thread(() -> {
            for (Process p : processes) {
                if (p != null) {
                    p.destroyForcibly();
                }
            }
        }, "broker-cluster-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Formats three log directories with one cluster id, starts the three nodes and waits until all are brokers of the cluster. */
    static BrokerCluster start(String name) {
        BrokerCluster cluster;
        try {
            cluster = new BrokerCluster(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (int id = 1; id <= NODES; id++) {
                cluster.format(id);
            }
            for (int id = 1; id <= NODES; id++) {
                cluster.launch(id);
            }
            cluster.admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers(), "request.timeout.ms", 3000,
                    "default.api.timeout.ms", 6000, "retry.backoff.ms", 200));
            cluster.awaitBrokers(Set.of(1, 2, 3));
            return cluster;
        } catch (RuntimeException | IOException e) {
            cluster.close();
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    /** Every node's client listener: clients find the cluster while any one of them is up. */
    String bootstrapServers() {
        List<String> servers = new ArrayList<>();
        for (int id = 1; id <= NODES; id++) {
            servers.add("127.0.0.1:" + ports[id]);
        }
        return String.join(",", servers);
    }

    /** The node leading a partition now, as the cluster's metadata says; -1 for none (or no answer). */
    int leaderOf(String topic, int partition) {
        TopicPartitionInfo info = partitionInfo(topic, partition);
        return info == null || info.leader() == null || info.leader().isEmpty() ? -1 : info.leader().id();
    }

    /** The in-sync replicas of a partition now (empty when the cluster does not answer). */
    Set<Integer> isr(String topic, int partition) {
        TopicPartitionInfo info = partitionInfo(topic, partition);
        return info == null ? Set.of() : info.isr().stream().map(Node::id).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private TopicPartitionInfo partitionInfo(String topic, int partition) {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            return d.partitions().get(partition);
        } catch (Exception e) {
            return null;
        }
    }

    /** The active controller (the KRaft quorum's leader); -1 when the quorum does not answer. */
    int activeController() {
        try {
            return admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS).leaderId();
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * The leader of {@code __consumer_offsets} partition 0, creating the topic first (a coordinator
     * lookup does): with one offsets partition this node is the coordinator of every group.
     */
    int groupCoordinator() {
        try {
            admin.listConsumerGroupOffsets("kafka-steps-coordinator-probe").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the lookup created the topic even if it timed out; the leader below says
        }
        int[] leader = {-1};
        if (!Records.eventually(READY, () -> (leader[0] = leaderOf("__consumer_offsets", 0)) > 0)) {
            throw new IllegalStateException("__consumer_offsets has no leader");
        }
        return leader[0];
    }

    /**
     * A topic of one partition, replicated on all three nodes with {@code leader} first (its
     * preferred leader), once that node leads it.
     */
    void createTopic(String topic, int leader) {
        List<Integer> replicas = new ArrayList<>(List.of(leader));
        for (int id = 1; id <= NODES; id++) {
            if (id != leader) {
                replicas.add(id);
            }
        }
        try {
            admin.createTopics(List.of(new NewTopic(topic, Map.of(0, replicas)))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + topic + ": " + e, e);
        }
        if (!Records.eventually(Duration.ofSeconds(30), () -> leaderOf(topic, 0) == leader && isr(topic, 0).size() == NODES)) {
            throw new IllegalStateException(topic + " not led by node " + leader + " with 3 in-sync replicas: leader " + leaderOf(topic, 0)
                    + ", isr " + isr(topic, 0));
        }
    }

    /** SIGKILL: no controlled shutdown, nothing flushed, sockets reset by the kernel. */
    void kill(int id) {
        Process p = processes[id];
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node " + id + " survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        processes[id] = null;
    }

    /** Starts a killed node again on its ports and log directory; returns once the cluster lists it as a broker again. */
    void restart(int id) {
        if (processes[id] != null && processes[id].isAlive()) {
            throw new IllegalStateException("node " + id + " is running");
        }
        launch(id);
        awaitBrokers(Set.of(id));
    }

    boolean alive(int id) {
        return processes[id] != null && processes[id].isAlive();
    }

    /** Waits until every node of {@code ids} is a live broker of the cluster (registered and unfenced). */
    private void awaitBrokers(Set<Integer> ids) {
        java.util.concurrent.atomic.AtomicReference<Set<Integer>> seen = new java.util.concurrent.atomic.AtomicReference<>(Set.of());
        boolean ready = Records.eventually(READY, () -> {
            for (int id : ids) {
                if (!alive(id)) {
                    throw new IllegalStateException("node " + id + " exited with " + processes[id].exitValue() + ": " + logTail(id, 40));
                }
            }
            try {
                seen.set(admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream().map(Node::id).collect(Collectors.toSet()));
            } catch (Exception e) {
                return false;
            }
            return seen.get().containsAll(ids);
        });
        if (!ready) {
            throw new IllegalStateException("nodes " + ids + " not brokers of the cluster within " + READY + " (it lists " + seen.get() + "): "
                    + logTail(ids.iterator().next(), 40));
        }
    }

    private Path nodeDir(int id) {
        return dir.resolve("node-" + id);
    }

    private Path log(int id) {
        return nodeDir(id).resolve("node.log");
    }

    private Properties config(int id) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(id));
        List<String> voters = new ArrayList<>();
        for (int v = 1; v <= NODES; v++) {
            voters.add(v + "@127.0.0.1:" + controllerPorts[v]);
        }
        p.put("controller.quorum.voters", String.join(",", voters));
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + ports[id] + ",CONTROLLER://127.0.0.1:" + controllerPorts[id]);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + ports[id]);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", nodeDir(id).resolve("data").toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "3");
        p.put("min.insync.replicas", "2");
        p.put("offsets.topic.replication.factor", "3");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "3");
        p.put("transaction.state.log.min.isr", "2");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("unclean.leader.election.enable", "false");
        p.put("auto.leader.rebalance.enable", "true");
        p.put("leader.imbalance.check.interval.seconds", "5");
        // small for a 2-core machine: fewer threads, and the log cleaner's buffer (128 MB by default) fits the heap
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("num.replica.fetchers", "1");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", "8388608");
        return p;
    }

    private void format(int id) throws IOException {
        Files.createDirectories(nodeDir(id));
        Path cfg = nodeDir(id).resolve("server.properties");
        try (Writer out = Files.newBufferedWriter(cfg)) {
            config(id).store(out, "kafka-steps fault test cluster " + name + ", node " + id);
        }
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        int rc = kafka.tools.StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", cfg.toString()},
                new java.io.PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("formatting node " + id + " failed: " + buffer.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private void launch(int id) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : "")).toString();
        List<String> command = List.of(java, "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-Djava.awt.headless=true",
                // the test class path's simplelogger.properties sets Kafka to WARN; the node's lifecycle and the
                // controller's decisions (fencing, elections) at INFO, for reading a failover afterwards
                "-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.controller=info",
                "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "-cp", System.getProperty("java.class.path"), "kafka.Kafka", nodeDir(id).resolve("server.properties").toString());
        try {
            processes[id] = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log(id).toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines a node logged. */
    String logTail(int id, int lines) {
        try {
            List<String> all = Files.readAllLines(log(id));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Kills every node, keeps their logs beside the fault report ({@code logs/<name>-node-N.log}) and deletes their data. */
    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
        for (int id = 1; id <= NODES; id++) {
            Process p = processes[id];
            if (p != null) {
                p.destroyForcibly();
                try {
                    p.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                processes[id] = null;
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException ignored) {
            // the JVM is shutting down already: the hook runs anyway
        }
        try {
            Path logs = FaultReport.DIR.resolve("logs");
            Files.createDirectories(logs);
            for (int id = 1; id <= NODES; id++) {
                if (Files.exists(log(id))) {
                    Files.copy(log(id), logs.resolve(name + "-node-" + id + ".log"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException ignored) {
            // the logs are a help for reading a run, not a result
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory that outlives a test is harmless
        }
    }

    /** Who does what now: node -> roles, for the report. */
    Map<Integer, String> roles(List<String> topics) {
        Map<Integer, String> roles = new TreeMap<>();
        int controller = activeController();
        for (int id = 1; id <= NODES; id++) {
            List<String> r = new ArrayList<>();
            for (String t : topics) {
                if (leaderOf(t, 0) == id) {
                    r.add("leader of " + t);
                }
            }
            if (leaderOf("__consumer_offsets", 0) == id) {
                r.add("group coordinator");
            }
            if (controller == id) {
                r.add("active controller");
            }
            roles.put(id, String.join(", ", r));
        }
        return roles;
    }
}
