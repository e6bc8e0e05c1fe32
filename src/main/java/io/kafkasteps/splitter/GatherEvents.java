package io.kafkasteps.splitter;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Gathers the event records of every record of a poll, in order, into one list: the poll's
 * events are then sent together, pipelined, and acknowledged before its offsets are committed.
 * A part that yielded no list (a tombstone, a dead letter, an empty batch, a record a route edit
 * stopped) adds nothing. A part that failed fails the poll: its exception is kept, so nothing is
 * committed and the poll is retried.
 *
 * <p>Why Java: Camel's strategies either drop a part's exception or, with
 * {@code stopOnException}, turn a {@code stop} in one record's steps into a stop of the whole poll,
 * which would then never be sent or committed while later polls were.
 */
public final class GatherEvents implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange gathered, Exchange part) {
        if (gathered == null) {
            gathered = part.copy();
            gathered.setRouteStop(false);
            gathered.setException(null);
            gathered.removeProperty(ConsumedRecord.PROPERTY);
            gathered.removeProperty(Exchange.EXCEPTION_CAUGHT);
            gathered.getMessage().setBody(new ArrayList<>());
        }
        if (gathered.getException() != null) {
            return gathered;
        }
        if (part.getException() != null) {
            gathered.setException(part.getException());
            return gathered;
        }
        if (!part.isRouteStop() && part.getMessage().getBody() instanceof List<?> events) {
            @SuppressWarnings("unchecked")
            List<Object> all = gathered.getMessage().getBody(List.class);
            all.addAll(events);
        }
        return gathered;
    }
}
