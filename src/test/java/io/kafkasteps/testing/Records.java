package io.kafkasteps.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes records to and reads them back from a real broker, with its end and committed offsets: the tests' ground truth. */
public final class Records implements AutoCloseable {

    private final String bootstrap;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;

    public Records(String bootstrap) {
        this.bootstrap = bootstrap;
        this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", 5),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", 10000, "default.api.timeout.ms", 15000));
    }

    public void createTopics(int partitions, String... topics) {
        try {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String t : topics) {
                newTopics.add(new NewTopic(t, partitions, (short) 1));
            }
            admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics: " + e, e);
        }
    }

    /** One topic with one partition and the given topic configs (such as max.message.bytes). */
    public void createTopic(String topic, Map<String, String> configs) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic + ": " + e, e);
        }
    }

    /** Changes one config of a topic (such as max.message.bytes). */
    public void alterTopicConfig(String topic, String key, String value) {
        try {
            var resource = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry(key, value), org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set " + key + " of " + topic + ": " + e, e);
        }
    }

    public void send(String topic, String key, String value) {
        send(topic, null, key == null ? null : key.getBytes(UTF_8), value == null ? null : value.getBytes(UTF_8), null, new RecordHeaders());
    }

    public void send(String topic, Integer partition, byte[] key, byte[] value, Long timestamp, RecordHeaders headers) {
        try {
            producer.send(new ProducerRecord<>(topic, partition, timestamp, key, value, headers)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic + ": " + e, e);
        }
    }

    /** Sends without waiting for each ack; flushes at the end. */
    public void sendAll(String topic, List<String> values) {
        sendAll(topic, null, values);
    }

    /** The same, into one partition (null: the producer chooses); every send acknowledged at the end. */
    public void sendAll(String topic, Integer partition, List<String> values) {
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        for (String v : values) {
            acks.add(producer.send(new ProducerRecord<>(topic, partition, null, v.getBytes(UTF_8))));
        }
        producer.flush();
        for (java.util.concurrent.Future<?> ack : acks) {
            try {
                ack.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("cannot send to " + topic + ": " + e, e);
            }
        }
    }

    /** Sets (null: removes) a client-id quota, such as producer_byte_rate, on this broker. */
    public void quota(String clientId, String key, Double value) {
        var entity = new org.apache.kafka.common.quota.ClientQuotaEntity(
                Map.of(org.apache.kafka.common.quota.ClientQuotaEntity.CLIENT_ID, clientId));
        var op = new org.apache.kafka.common.quota.ClientQuotaAlteration.Op(key, value);
        try {
            admin.alterClientQuotas(List.of(new org.apache.kafka.common.quota.ClientQuotaAlteration(entity, List.of(op))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set quota " + key + " of " + clientId + ": " + e, e);
        }
    }

    /** How many members a consumer group has now, as the broker sees them (0 when it cannot say). */
    public int members(String group) {
        try {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(10, TimeUnit.SECONDS).members().size();
        } catch (Exception e) {
            return 0;
        }
    }

    /** How many of a consumer group's members hold partitions now, as the broker sees them (0 when it cannot say). */
    public int membersWithPartitions(String group) {
        try {
            return (int) admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(10, TimeUnit.SECONDS)
                    .members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
        } catch (Exception e) {
            return 0;
        }
    }

    /** The topics assigned to a consumer group's members now, as the broker sees them. */
    public Set<String> assignedTopics(String group) {
        try {
            var description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(10, TimeUnit.SECONDS);
            return description.members().stream().flatMap(m -> m.assignment().topicPartitions().stream())
                    .map(TopicPartition::topic).collect(Collectors.toCollection(java.util.TreeSet::new));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a topic from the beginning until {@code expected} records arrived or the deadline passed. */
    public List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected, Duration deadline) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = fromBeginning(topic)) {
            long end = System.nanoTime() + deadline.toNanos();
            while (records.size() < expected && System.nanoTime() < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // whatever else is already there counts too: a test of "exactly N" must see extras
            consumer.poll(Duration.ofMillis(300)).forEach(records::add);
        }
        return records;
    }

    /** Everything on a topic now, read up to its end offsets. */
    public List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = fromBeginning(topic)) {
            var partitions = consumer.assignment();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** A consumer outside any group, assigned every partition of a topic, at the beginning. */
    private KafkaConsumer<byte[], byte[]> fromBeginning(String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** The group's committed offsets on a topic, summed over partitions. */
    public long committed(String group, String topic) {
        return committedByPartition(group, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The end offset of every partition of a topic. */
    public Map<Integer, Long> ends(String topic) {
        try {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<Integer, Long> ends = new TreeMap<>();
            admin.listOffsets(request).all().get(15, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
            return ends;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e, e);
        }
    }

    /** Records on a topic: the sum of its end offsets (no compaction or deletion in these tests). */
    public long end(String topic) {
        return ends(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The end offset once it stopped moving (after a kill, a send already on the wire may still land). */
    public long settledEnd(String topic) {
        long[] last = {-1};
        int[] same = {0};
        eventually(Duration.ofSeconds(10), () -> {
            long now = end(topic);
            same[0] = now == last[0] ? same[0] + 1 : 0;
            last[0] = now;
            return same[0] >= 3;
        });
        return last[0];
    }

    /** The group's committed offset per partition of a topic (partitions without one are absent). */
    public Map<Integer, Long> committedByPartition(String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
            Map<Integer, Long> out = new TreeMap<>();
            offsets.forEach((tp, om) -> {
                if (tp.topic().equals(topic) && om != null) {
                    out.put(tp.partition(), om.offset());
                }
            });
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every record of every partition of a topic, up to the end offsets of now, partition by partition. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return readAll(topic, "read_uncommitted");
    }

    /**
     * What a consumer with {@code isolation.level=read_committed} reads of a topic, up to its end
     * offsets of now: the records of committed transactions and those written without one. Fails
     * when a transaction is still open there.
     */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        return readAll(topic, "read_committed");
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, String isolation) {
        Map<Integer, Long> ends = ends(topic);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", bootstrap, "max.poll.records", 5000, "fetch.max.bytes", 52428800,
                        "max.partition.fetch.bytes", 10485760, "isolation.level", isolation),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (var e : ends.entrySet()) {
                TopicPartition tp = new TopicPartition(topic, e.getKey());
                consumer.assign(List.of(tp));
                consumer.seek(tp, 0);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (consumer.position(tp) < e.getValue() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.offset() < e.getValue()) {
                            out.add(r);
                        }
                    }
                }
                if (consumer.position(tp) < e.getValue()) {
                    throw new IllegalStateException("could not read " + tp + " up to " + e.getValue() + " (" + isolation + ")");
                }
            }
        }
        return out;
    }

    /**
     * Records of partition 0 of a topic from an offset on, polled until {@code done} holds for what
     * was read or the deadline passes.
     */
    public List<ConsumerRecord<byte[], byte[]>> readFrom(String topic, long from, java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration deadline) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", bootstrap, "max.poll.records", 5000, "fetch.max.bytes", 52428800,
                        "max.partition.fetch.bytes", 10485760),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seek(tp, from);
            long end = System.nanoTime() + deadline.toNanos();
            while (!done.test(out) && System.nanoTime() < end) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    /** A SCRAM-SHA-512 user, through the admin API. */
    public void addScramUser(String user, String password) {
        try {
            admin.alterUserScramCredentials(List.of(new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(user,
                    new org.apache.kafka.clients.admin.ScramCredentialInfo(org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 4096),
                    password))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot add SCRAM user " + user + ": " + e, e);
        }
    }

    public Set<String> topics() {
        try {
            return admin.listTopics().names().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, UTF_8);
    }

    public static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> text(r.value())).collect(Collectors.toList());
    }

    public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : text(h.value());
    }

    /** Polls a condition until it holds or the deadline passes; returns whether it held. */
    public static boolean eventually(Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
