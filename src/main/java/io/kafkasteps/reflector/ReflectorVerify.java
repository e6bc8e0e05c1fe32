package io.kafkasteps.reflector;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.kafkasteps.Settings;
import io.kafkasteps.reflector.TopicReader.Range;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code kafka-steps reflector --verify [--since INSTANT]}: compares the reflector's topic set of
 * now on the source cluster with its copies on the sink cluster ({@link CopyVerifier}), one sink
 * topic at a time (each source topic's own, or {@code PRODUCER_TOPIC} for all), reading both
 * clusters up to the end offsets of the start, and prints the report. Timestamps are compared
 * only when the reflector keeps them. {@code since}: source records with a timestamp at or after
 * it, and the sink from its first record at or after it.
 */
public final class ReflectorVerify {

    private final Settings settings;
    private final PrintStream out;

    public ReflectorVerify(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * @param since null: every record
     * @throws IllegalStateException when a cluster cannot be read, in one line
     */
    public VerifyResult run(Instant now, Instant since) {
        List<String> topics = ReflectorConfig.strategy(settings).at(now);
        String producerTopic = settings.get("reflector.producer.topic", "");
        boolean keepTimestamp = Boolean.parseBoolean(settings.get("reflector.keep.original.timestamp", "true"));
        boolean keepPartition = Boolean.parseBoolean(settings.get("reflector.keep.partition", "false"));
        Duration timeout = Duration.ofMillis(Long.parseLong(settings.get("reflector.verify.timeout.ms", "30000")));
        Map<String, List<String>> copiedInto = new LinkedHashMap<>();
        for (String topic : topics) {
            copiedInto.computeIfAbsent(producerTopic.isEmpty() ? topic : producerTopic, k -> new ArrayList<>()).add(topic);
        }
        long from = since == null ? Long.MIN_VALUE : since.toEpochMilli();
        // as the copy reads: exactly-once copies and reads back only committed records (an aborted copy is no copy)
        String isolation = ReflectorConfig.isolation(settings);
        try (TopicReader source = new TopicReader("source", ReflectorConfig.sourceClient(settings), timeout, isolation);
             TopicReader sink = new TopicReader("sink", ReflectorConfig.sinkClient(settings), timeout, isolation)) {
            // The source's ends first: what is copied until the sink's are taken is seen.
            Map<TopicPartition, Range> sourceRanges = source.ranges(topics, since);
            Map<TopicPartition, Range> sinkRanges = sink.ranges(copiedInto.keySet(), since);
            out.println("verify: source " + source.servers() + " " + topics + " -> sink " + sink.servers() + " "
                    + List.copyOf(copiedInto.keySet()) + "; " + (since == null ? "every record" : "records from " + since)
                    + "; timestamps " + (keepTimestamp ? "compared" : "not compared") + "; partitions "
                    + (keepPartition ? "kept" : "chosen by the producer"));
            notes(topics, sourceRanges, "source topic %s does not exist");
            notes(copiedInto.keySet(), sinkRanges, "sink topic %s does not exist: what is copied there counts as missing");
            VerifyResult total = new VerifyResult();
            copiedInto.forEach((sinkTopic, sourceTopics) -> {
                CopyVerifier verifier = new CopyVerifier(sinkTopic, keepPartition);
                sink.read(of(sinkRanges, List.of(sinkTopic)), r -> {
                    // Without kept timestamps the sink stamped its records: its range alone bounds them.
                    if (!keepTimestamp || r.timestamp() >= from) {
                        verifier.sink(r.partition(), r.offset(), fingerprint(r, keepTimestamp));
                    }
                });
                source.read(of(sourceRanges, sourceTopics), r -> {
                    if (r.timestamp() >= from) {
                        verifier.source(r.topic(), r.partition(), r.offset(), fingerprint(r, keepTimestamp));
                    }
                });
                total.add(verifier.finish());
            });
            total.lines().forEach(line -> out.println("verify: " + line));
            return total;
        }
    }

    private static Fingerprint fingerprint(ConsumerRecord<byte[], byte[]> r, boolean withTimestamp) {
        return Fingerprint.of(r.key(), r.value(), r.headers(), withTimestamp ? r.timestamp() : null);
    }

    private static Map<TopicPartition, Range> of(Map<TopicPartition, Range> ranges, List<String> topics) {
        return ranges.entrySet().stream().filter(e -> topics.contains(e.getKey().topic()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private void notes(java.util.Collection<String> topics, Map<TopicPartition, Range> ranges, String format) {
        Set<String> existing = ranges.keySet().stream().map(TopicPartition::topic).collect(Collectors.toSet());
        topics.stream().filter(t -> !existing.contains(t)).forEach(t -> out.println("verify: " + String.format(format, t)));
    }
}
