package io.kafkasteps;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a delivered batch: for each partition in it, the offset after its last record. Runs on
 * the consumer's thread, after the copy, so nothing is committed that the sink has not
 * acknowledged. A commit refused because the partitions moved to another instance is logged: the
 * new owner reads those records again (at least once), so it is no reason to stop. In exactly-once
 * mode the offsets go into the poll's transaction instead ({@link io.kafkasteps.splitter.PollTransaction}).
 */
public final class PartitionCommits implements Processor, io.kafkasteps.ops.PollRetry.TakenPositions {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionCommits.class);

    private final Map<TopicPartition, Long> committed = new java.util.concurrent.ConcurrentHashMap<>();

    /** Per partition, the offset after the last record committed here: where a poll retried in place reads on. */
    @Override
    public Map<TopicPartition, Long> takenUpTo() {
        return Map.copyOf(committed);
    }

    private io.kafkasteps.splitter.PollTransaction transaction;

    /** Exactly-once mode: a poll's offsets are committed in its transaction. */
    public void setTransaction(io.kafkasteps.splitter.PollTransaction transaction) {
        this.transaction = transaction;
        transaction.onCommitted(offsets -> offsets.forEach((tp, o) -> committed.put(tp, o.offset())));
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        List<?> batch = exchange.getMessage().getBody(List.class);
        if (batch == null || batch.isEmpty()) {
            return;
        }
        Map<String, Message> lastOfPartition = new LinkedHashMap<>();
        for (Object item : batch) {
            Message m = ((Exchange) item).getMessage();
            lastOfPartition.put(m.getHeader(KafkaConstants.TOPIC) + "-" + m.getHeader(KafkaConstants.PARTITION), m);
        }
        if (transaction != null && transaction.enabled()) {
            inTransaction(lastOfPartition.values());
            return;
        }
        for (var entry : lastOfPartition.entrySet()) {
            KafkaManualCommit commit = entry.getValue().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit == null) {
                throw new IllegalStateException("no manual commit on the consumed records: the consumer needs allowManualCommit=true");
            }
            try {
                commit.commit();
                Message m = entry.getValue();
                committed.put(new TopicPartition(m.getHeader(KafkaConstants.TOPIC, String.class), m.getHeader(KafkaConstants.PARTITION, Integer.class)),
                        m.getHeader(KafkaConstants.OFFSET, Long.class) + 1);
            } catch (CommitFailedException | RebalanceInProgressException e) {
                LOG.warn("commit of {} refused after a rebalance; its new owner reads those records again: {}", entry.getKey(), e.getMessage());
            } catch (org.apache.kafka.common.errors.AuthenticationException e) {
                // Retrying the commit cannot help: a consumer whose login was refused keeps the failure (its heartbeat
                // thread ended), and only a new consumer recovers, which the poll's retry makes once this poll is done.
                // Left uncommitted, the records are read again after that (at least once); a later commit covers them.
                LOG.warn("commit of {} refused ({}); left uncommitted: the next poll renews the consumer and reads them again",
                        entry.getKey(), e.getMessage());
                return;
            }
        }
    }

    private void inTransaction(java.util.Collection<Message> lasts) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        for (Message m : lasts) {
            offsets.put(new TopicPartition(m.getHeader(KafkaConstants.TOPIC, String.class), m.getHeader(KafkaConstants.PARTITION, Integer.class)),
                    new OffsetAndMetadata(m.getHeader(KafkaConstants.OFFSET, Long.class) + 1));
        }
        transaction.commit(offsets, io.kafkasteps.ops.KeepOwned.consumerOf(lasts.iterator().next()).groupMetadata());
    }
}
