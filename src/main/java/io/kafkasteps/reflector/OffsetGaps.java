package io.kafkasteps.reflector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.kafkasteps.ops.PollRetry;
import io.kafkasteps.ops.ReadinessHold;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.kafka.consumer.support.subcription.DefaultSubscribeAdapter;
import org.apache.camel.component.kafka.consumer.support.subcription.SubscribeAdapter;
import org.apache.camel.component.kafka.consumer.support.subcription.TopicInfo;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gaps, reported and never silent: when a partition is assigned to the reflector with a
 * committed offset below its log start (retention deleted records before they were copied) or
 * past its end (the topic was re-created, or its log truncated), one WARN line says so with the count, the counters
 * {@code kafka_steps_reflector_skipped_records_total{topic,partition}} and
 * {@code kafka_steps_reflector_gaps_total{topic,partition,kind}} count it, and
 * {@code reflector.on.gap} decides: {@code continue} seeks to the log start (and commits it, so
 * the same gap is reported once: no record below it exists to be copied), {@code stop} pauses
 * that partition for the life of the process and holds readiness DOWN with the reason, while the
 * other partitions go on. A partition without a committed offset (a new group) starts at the
 * earliest record, silently, as before.
 *
 * <p><b>Why Java, and why here.</b> YAML can set the consumer's {@code auto.offset.reset}, but
 * both values that keep it running reset silently inside {@code poll}; nothing in a route sees a
 * partition's offsets at assignment. camel-kafka 4.17 hands a {@link SubscribeAdapter} bean named
 * {@code subscribeAdapter} the real consumer and its rebalance listener at every subscription, on
 * the consumer's thread (read in its source). Wrapping that listener runs this check inside
 * {@code poll}, after the assignment and before the first fetch, where {@code seek} and
 * {@code pause} are the consumer's documented way to choose a position. (A consumer interceptor
 * never sees errors; a wrapped or subclassed consumer breaks camel's own consumer health check,
 * which reads fields of {@code KafkaConsumer} itself.)
 *
 * <p><b>Mid-run</b> (the reflector lags and retention deletes under it): the route's consumer has
 * {@code auto.offset.reset=none}, so the fetch throws {@code OffsetOutOfRangeException} instead of
 * resetting; the route's {@link io.kafkasteps.ops.PollRetry} points the partitions back at the
 * first record not yet sent and hands the failing ones here ({@link #offTheLog}), where the gap
 * is found and reported as at an assignment, without leaving the group. A new group under
 * {@code none} would throw {@code NoOffsetForPartitionException}: this seeks such partitions to
 * the beginning first, so that never happens.
 *
 * <p>The same listener tells the {@link RecordCopier} when partitions are revoked, so that it
 * settles what it has in flight for them before their new owner starts.
 *
 * <p>Camel looks the adapter up by that one name for every Kafka consumer of the context, so a
 * consumer of another group (the splitter in the same process) is subscribed exactly as camel's
 * default adapter does, untouched.
 *
 * <p>Limits. Kafka drops a deleted topic's committed offsets, so a re-created topic is mostly a
 * new partition to the group, copied from its start (no gap, nothing lost); past the end is seen
 * when an offset outlived its topic (a rebuilt source cluster, restored offsets) or a log was
 * truncated, and if such a partition already holds more records than the offset it looks like an
 * ordinary position and is read from there, as before. A log truncated under the committed offset
 * by an unclean leader election makes the consumer throw {@code LogTruncationException} at each
 * reconnect (under {@code earliest} it went back to the divergence point silently).
 */
public final class OffsetGaps implements SubscribeAdapter, ReadinessHold, CamelContextAware, PollRetry.OffsetsOffTheLog {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetGaps.class);
    private static final Duration LOOKUP = Duration.ofSeconds(30);

    private final String route;
    private final String groupId;
    private final OffsetGap.OnGap onGap;
    /** Partitions stopped by {@code stop}, for the life of the process (or until their topic leaves the set). */
    private final Map<TopicPartition, OffsetGap> stopped = new ConcurrentHashMap<>();
    private CamelContext context;
    private RecordCopier copier;

    /**
     * @param route   route id, starts the log lines
     * @param groupId consumer group of the route's consumer: only its consumer is watched
     * @param onGap   {@code continue} (default) or {@code stop}
     */
    public OffsetGaps(String route, String groupId, String onGap) {
        this.route = route;
        this.groupId = groupId;
        this.onGap = OffsetGap.OnGap.of(onGap);
    }

    @Override
    public void subscribe(Consumer<?, ?> consumer, ConsumerRebalanceListener listener, TopicInfo topicInfo) {
        ConsumerRebalanceListener effective = listener;
        if (ours(consumer)) {
            if (topicInfo.isPattern()) {
                stopped.keySet().removeIf(tp -> !topicInfo.getPattern().matcher(tp.topic()).matches());
            } else {
                stopped.keySet().removeIf(tp -> !topicInfo.getTopics().contains(tp.topic()));
            }
            effective = new Watching(consumer, listener);
        }
        new DefaultSubscribeAdapter().subscribe(consumer, effective, topicInfo);
    }

    /** The route's copier: told of revoked partitions before they leave. */
    public void setCopier(RecordCopier copier) {
        this.copier = copier;
    }

    /** Partitions a poll found off the log mid-run: checked and reported as at an assignment. */
    @Override
    public void offTheLog(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        // back at the committed offset first (a position past a truncated log's end may be off it while the commit is not)
        consumer.committed(new HashSet<>(partitions), LOOKUP).forEach((tp, c) -> {
            if (c != null) {
                consumer.seek(tp, c.offset());
            }
        });
        assigned(consumer, partitions);
    }

    /** Why the route is not ready: its stopped partitions, or null. */
    @Override
    public String holdReason() {
        if (stopped.isEmpty()) {
            return null;
        }
        return stopped.values().stream().map(OffsetGap::stopReason).sorted().collect(Collectors.joining("; "))
                + "; to copy again, reset the group's offset of the partition (kafka-consumer-groups --reset-offsets,"
                + " with the reflector stopped) or set reflector.on.gap=continue, and restart";
    }

    /** Partitions stopped now, as topic-partition names. */
    public Set<String> stoppedPartitions() {
        return stopped.keySet().stream().map(TopicPartition::toString).collect(Collectors.toSet());
    }

    private boolean ours(Consumer<?, ?> consumer) {
        try {
            return groupId != null && groupId.equals(consumer.groupMetadata().groupId());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** On the consumer's thread, inside poll: after camel's own listener, before the first fetch. */
    void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Set<TopicPartition> set = new HashSet<>(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(set, LOOKUP);
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(set, LOOKUP);
        Map<TopicPartition, Long> ends = consumer.endOffsets(set, LOOKUP);
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition tp : set) {
            long start = starts.get(tp);
            if (stopped.containsKey(tp)) {
                hold(consumer, tp, start);   // reported when it was stopped
                continue;
            }
            OffsetAndMetadata c = committed.get(tp);
            OffsetGap gap = OffsetGap.of(tp.topic(), tp.partition(), c == null ? null : c.offset(), start, ends.get(tp));
            switch (gap.kind()) {
                case NEW -> fresh.add(tp);
                case NONE -> {
                    // the consumer resumes from the committed offset
                }
                default -> gap(consumer, tp, gap);
            }
        }
        if (!fresh.isEmpty()) {
            consumer.seekToBeginning(fresh);
        }
    }

    private void gap(Consumer<?, ?> consumer, TopicPartition tp, OffsetGap gap) {
        if (onGap == OffsetGap.OnGap.STOP) {
            hold(consumer, tp, gap.logStart());
            stopped.put(tp, gap);
        } else {
            consumer.seek(tp, gap.resumeAt());
            // Nothing below the log start exists to be copied: committing it makes the skip
            // durable, so a restart before the next record does not report the same gap again.
            // A failure throws before anything is logged or counted; the reconnect finds the gap again.
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(gap.resumeAt())), LOOKUP);
        }
        LOG.warn(gap.warning(route, onGap));
        count(gap);
    }

    /** Paused, at a position on the log (a position off it would fail the consumer's checks while paused). */
    private static void hold(Consumer<?, ?> consumer, TopicPartition tp, long logStart) {
        consumer.seek(tp, logStart);
        consumer.pause(List.of(tp));
    }

    private void count(OffsetGap gap) {
        MeterRegistry registry = context == null ? null : context.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry == null) {
            return;
        }
        String partition = String.valueOf(gap.partition());
        Counter.builder("kafka_steps_reflector_skipped_records_total")
                .description("Records deleted from the source before the reflector copied them (below the log start at assignment)")
                .tags("topic", gap.topic(), "partition", partition).register(registry).increment(gap.skipped());
        Counter.builder("kafka_steps_reflector_gaps_total")
                .description("Committed offsets found off the source log: kind deleted (below its start) or recreated (past its end)")
                .tags("topic", gap.topic(), "partition", partition, "kind", gap.kind() == OffsetGap.Kind.DELETED ? "deleted" : "recreated")
                .register(registry).increment();
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    /** Camel's rebalance listener, with the gap check after each assignment. */
    private final class Watching implements ConsumerRebalanceListener {
        private final Consumer<?, ?> consumer;
        private final ConsumerRebalanceListener delegate;

        Watching(Consumer<?, ?> consumer, ConsumerRebalanceListener delegate) {
            this.consumer = consumer;
            this.delegate = delegate;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (copier != null) {
                copier.revoked(consumer, partitions);
            }
            delegate.onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            delegate.onPartitionsAssigned(partitions);
            if (copier != null) {
                copier.assigned(consumer, partitions);   // exactly-once: the offsets kept on the sink first
            }
            assigned(consumer, partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (copier != null) {
                copier.lost(partitions);   // exactly-once: their producers closed, so the next assignment fences and settles
            }
            delegate.onPartitionsLost(partitions);
        }
    }
}
