package io.kafkasteps.splitter;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Gathers event exchanges, in order, into one list: the body of the split's result. It serves both
 * splits of the route. Over a batch ({@code events}) each part is one event; over a poll
 * ({@code records}) each part is a record whose body is its list of events, or no list (a
 * tombstone, a dead letter, an empty batch), which adds nothing. A part that ran {@code stop}
 * (how a route edit leaves out an event or a record) adds nothing either. A part that failed fails
 * the whole result: a record is split completely or dead-lettered, and a poll whose dead letter
 * could not be delivered is retried, not committed.
 *
 * <p>Why Java: Camel's grouped strategies either drop a part's exception or, with
 * {@code stopOnException}, turn a part's {@code stop} into a stop of the whole poll, which would
 * then never be sent or committed while later polls were.
 */
public final class GatherEvents implements AggregationStrategy {

    private final boolean partsAreRecords;

    /** @param parts {@code events} (each part is an event) or {@code records} (each part holds a list of events) */
    public GatherEvents(String parts) {
        if (!parts.equals("events") && !parts.equals("records")) {
            throw new IllegalArgumentException("parts are 'events' or 'records', not '" + parts + "'");
        }
        this.partsAreRecords = parts.equals("records");
    }

    @Override
    public Exchange aggregate(Exchange gathered, Exchange part) {
        if (gathered == null) {
            gathered = part.copy();
            gathered.setRouteStop(false);
            gathered.setException(null);
            gathered.removeProperty(Exchange.EXCEPTION_CAUGHT);
            if (partsAreRecords) {
                gathered.removeProperty(ConsumedRecord.PROPERTY);
            }
            gathered.getMessage().setBody(new ArrayList<>());
        }
        if (gathered.getException() != null) {
            return gathered;
        }
        if (part.getException() != null) {
            gathered.setException(part.getException());
            return gathered;
        }
        if (!part.isRouteStop()) {
            @SuppressWarnings("unchecked")
            List<Object> all = gathered.getMessage().getBody(List.class);
            if (!partsAreRecords) {
                all.add(part);
            } else if (part.getMessage().getBody() instanceof List<?> events) {
                all.addAll(events);
            }
        }
        return gathered;
    }
}
