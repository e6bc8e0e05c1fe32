package io.kafkasteps.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The two brokers bench/run starts and the topics the harness makes on them: waiting for a broker,
 * creating and deleting a topic (every one of {@link #PARTITIONS} partitions), reading a sink.
 */
final class Brokers implements AutoCloseable {

    /** Broker A: every input, the splitter's sink. */
    static final String A = "127.0.0.1:19092";
    /** Broker B: the reflector's sink. */
    static final String B = "127.0.0.1:29092";
    static final int PARTITIONS = 4;

    private final Map<String, Admin> admins = new HashMap<>();
    private int seq;

    /** A number not given before, to make a topic's, a group's and a log's name unique in the run. */
    int nextSeq() {
        return seq++;
    }

    private Admin admin(String brokers) {
        return admins.computeIfAbsent(brokers, b -> Admin.create(Map.of("bootstrap.servers", b)));
    }

    void awaitUp(String brokers) throws Exception {
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

    /** Creates {@code topic} and waits until every partition has a leader; a sink takes the broker's append time as its records' timestamps. */
    void createTopic(String brokers, String topic, boolean logAppendTime) throws Exception {
        NewTopic t = new NewTopic(topic, PARTITIONS, (short) 1);
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
        long deadline = System.currentTimeMillis() + 30000;
        while (System.currentTimeMillis() < deadline) {
            try {
                var d = admin(brokers).describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                if (d.partitions().size() == PARTITIONS && d.partitions().stream().allMatch(p -> p.leader() != null)) {
                    return;
                }
            } catch (ExecutionException e) {
                // not yet known
            }
            Thread.sleep(100);
        }
    }

    /** Deletes {@code topic} and waits until it is gone; nothing if {@code topic} is null. */
    void deleteTopic(String brokers, String topic) throws Exception {
        if (topic == null) {
            return;
        }
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

    /**
     * A consumer without a group, to assign a sink's partitions to and read them from the start. read_committed, as a
     * consumer of an exactly-once sink must read: a transactional peer's records once committed, each once; every other
     * peer's records all, as they are written. Its end offsets are the last stable offsets.
     */
    static KafkaConsumer<byte[], byte[]> reader(String brokers, int maxPoll) {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", brokers);
        m.put("isolation.level", "read_committed");
        m.put("enable.auto.commit", "false");
        m.put("max.poll.records", maxPoll);
        m.put("auto.offset.reset", "earliest");
        return new KafkaConsumer<>(m, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        admins.values().forEach(Admin::close);
    }
}
