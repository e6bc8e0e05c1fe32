package io.kafkasteps.splitter;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Sorts out a poll's send that the sink refused in part. camel-kafka waits for every record of
 * the send and marks each event exchange that failed; when the only failures are refusals of a
 * record's own content by the broker ({@link RecordTooLargeException}: the topic's
 * {@code max.message.bytes} is below the producer's limit; {@link InvalidRecordException}), the
 * batch records of those events are bad input, to be dead-lettered, and everything else was
 * acknowledged. Any other failure is infrastructure: the send is retried, with only the events
 * the sink has not acknowledged yet.
 *
 * <p>Why Java: the refused records are known only to the event exchanges of the send, and the
 * Kafka exception that reaches the route is just the last one.
 */
public final class SinkRejections {

    /** The exchange property of a batch record that holds why the sink refused one of its events. */
    public static final String REJECTED = "sinkRejected";
    private static final String OVERRIDES = "sinkOverrides";

    /** Exactly-once: records whose events the sink refused, by source coordinates, until their poll is read again. */
    private final Map<String, BadBatchException> refusedBefore = new java.util.concurrent.ConcurrentHashMap<>();
    private PollTransaction transaction;

    /** Exactly-once mode: a refusal fails the poll's transaction, so the refused records are remembered for the poll's next reading. */
    public void setTransaction(PollTransaction transaction) {
        this.transaction = transaction;
    }

    /**
     * Exactly-once: fails a batch record (bad input, dead-lettered) whose events the sink refused
     * when its poll was read before; that poll's transaction was aborted with its dead letters.
     */
    public void refusedBefore(Exchange part) {
        Exchange record = part.getProperty(ConsumedRecord.PROPERTY, Exchange.class);
        BadBatchException refused = record == null || refusedBefore.isEmpty() ? null : refusedBefore.remove(coordinates(record));
        if (refused != null) {
            throw refused;
        }
    }

    private static String coordinates(Exchange record) {
        var m = record.getMessage();
        return m.getHeader(KafkaConstants.TOPIC) + "-" + m.getHeader(KafkaConstants.PARTITION) + "@" + m.getHeader(KafkaConstants.OFFSET);
    }

    /**
     * Prepares the poll's events for a send attempt: events the sink acknowledged in an earlier
     * attempt leave the send (a retry sends only what is not on the sink yet), and the rest lose
     * what the earlier attempt marked on them and get back the per-event topic and timestamp
     * overrides that camel-kafka removes from a message when it builds its record.
     */
    public void reset(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof List<?> events)) {
            return;
        }
        events.removeIf(event -> event instanceof Exchange e && e.getException() == null
                && e.getMessage().getHeader(KafkaConstants.KAFKA_RECORD_META) != null);
        for (Object event : events) {
            if (event instanceof Exchange e) {
                clear(e);
            }
        }
    }

    private static void clear(Exchange e) {
        e.setException(null);
        e.getMessage().removeHeader(KafkaConstants.KAFKA_RECORD_META);
        @SuppressWarnings("unchecked")
        Map<String, Object> overrides = e.getProperty(OVERRIDES, Map.class);
        if (overrides == null) {
            overrides = new java.util.HashMap<>();
            for (String name : List.of(KafkaConstants.OVERRIDE_TOPIC, KafkaConstants.OVERRIDE_TIMESTAMP)) {
                Object value = e.getMessage().getHeader(name);
                if (value != null) {
                    overrides.put(name, value);
                }
            }
            e.setProperty(OVERRIDES, overrides);
        } else {
            overrides.forEach(e.getMessage()::setHeader);
        }
    }

    /**
     * Replaces the body (the sent event exchanges) with the batch records whose events the sink
     * refused, each carrying its reason.
     *
     * @throws Exception the first infrastructure failure, when there is one: retried, nothing dead-lettered
     */
    public void rejected(Exchange exchange) throws Exception {
        List<?> events = exchange.getMessage().getBody(List.class);
        Map<Exchange, Throwable> records = new IdentityHashMap<>();
        List<Exchange> order = new ArrayList<>();
        boolean exactlyOnce = transaction != null && transaction.enabled();
        Exception infrastructure = null;
        int n = 0;
        for (Object event : events) {
            n++;
            if (!(event instanceof Exchange e) || e.getException() == null) {
                continue;
            }
            Exception failure = e.getException();
            if (!(failure instanceof RecordTooLargeException || failure instanceof InvalidRecordException)) {
                if (!exactlyOnce) {
                    throw failure;   // infrastructure: the send is retried; reset() then drops what was acknowledged
                }
                infrastructure = infrastructure == null ? failure : infrastructure;   // the refused still counted: remembered below
                continue;
            }
            Exchange record = e.getProperty(ConsumedRecord.PROPERTY, Exchange.class);
            if (record != null && !records.containsKey(record)) {
                records.put(record, new BadBatchException("the sink refused an event of this record ("
                        + failure.getClass().getSimpleName() + "): " + ExactJson.oneLine(failure.getMessage()), failure));
                order.add(record);
            }
        }
        for (Exchange record : order) {
            record.setProperty(REJECTED, records.get(record));
            if (exactlyOnce) {
                refusedBefore.put(coordinates(record), (BadBatchException) records.get(record));
            }
        }
        if (infrastructure != null) {
            throw infrastructure;   // the poll's transaction fails: read again, the refused records then dead-lettered at once
        }
        exchange.getMessage().setBody(order);
    }
}
