package io.kafkasteps.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaves out of a polled batch the records of partitions this instance no longer owns. camel's
 * batching consumer hands a poll's records over when the next poll returns, and a rebalance can
 * happen inside that next poll: the records of a partition that moved are then handed over after
 * its new owner started on them (seen in RebalanceInFlightIT: a copy landed after the new owner's
 * newer ones, so per key the sink's last record was an old one). Their new owner reads them again
 * from the committed offset; nothing is sent or committed for them here. Java because the
 * consumer's assignment is not visible to a route.
 */
public final class KeepOwned implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(KeepOwned.class);

    /** The Kafka consumer that polled a record: camel's manual commit carries it. */
    public static Consumer<?, ?> consumerOf(Message m) {
        Object commit = m.getHeader(KafkaConstants.MANUAL_COMMIT);
        if (commit instanceof DefaultKafkaManualCommit manual) {
            return manual.getCamelExchangePayload().consumer;
        }
        throw new IllegalStateException("no manual commit on the consumed records: the route's consumer needs allowManualCommit=true");
    }

    @Override
    public void process(Exchange exchange) {
        List<?> batch = exchange.getMessage().getBody(List.class);
        if (batch == null || batch.isEmpty()) {
            return;
        }
        Set<TopicPartition> owned = consumerOf(((Exchange) batch.get(0)).getMessage()).assignment();
        List<Object> kept = new ArrayList<>(batch.size());
        for (Object item : batch) {
            Message m = ((Exchange) item).getMessage();
            if (owned.contains(new TopicPartition(m.getHeader(KafkaConstants.TOPIC, String.class), m.getHeader(KafkaConstants.PARTITION, Integer.class)))) {
                kept.add(item);
            }
        }
        if (kept.size() < batch.size()) {
            LOG.info("{} polled records of partitions that moved to another instance left to their new owner", batch.size() - kept.size());
            exchange.getMessage().setBody(kept);
        }
    }
}
