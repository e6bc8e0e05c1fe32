package io.kafkasteps.splitter;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Sorts out a poll's send that the sink refused in part. camel-kafka waits for every record of
 * the send and marks each event exchange that failed; when the only failures are refusals of a
 * record's own content by the broker ({@link RecordTooLargeException}: the topic's
 * {@code max.message.bytes} is below the producer's limit; {@link InvalidRecordException}), the
 * batch records of those events are bad input, to be dead-lettered, and everything else was
 * acknowledged. Any other failure is infrastructure: the send is retried whole.
 *
 * <p>Why Java: the refused records are known only to the event exchanges of the send, and the
 * Kafka exception that reaches the route is just the last one.
 */
public final class SinkRejections {

    /** The exchange property of a batch record that holds why the sink refused one of its events. */
    public static final String REJECTED = "sinkRejected";

    /** Clears what an earlier attempt marked on the event exchanges, before a send. */
    public void reset(Exchange exchange) {
        if (exchange.getMessage().getBody() instanceof List<?> events) {
            for (Object event : events) {
                if (event instanceof Exchange e) {
                    e.setException(null);
                }
            }
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
        int n = 0;
        for (Object event : events) {
            n++;
            if (!(event instanceof Exchange e) || e.getException() == null) {
                continue;
            }
            Exception failure = e.getException();
            if (!(failure instanceof RecordTooLargeException || failure instanceof InvalidRecordException)) {
                reset(exchange);
                throw failure;
            }
            Exchange record = e.getProperty(ConsumedRecord.PROPERTY, Exchange.class);
            if (record != null && !records.containsKey(record)) {
                records.put(record, new BadBatchException("the sink refused an event of this record ("
                        + failure.getClass().getSimpleName() + "): " + ExactJson.oneLine(failure.getMessage()), failure));
                order.add(record);
            }
        }
        reset(exchange);
        for (Exchange record : order) {
            record.setProperty(REJECTED, records.get(record));
        }
        exchange.getMessage().setBody(order);
    }
}
