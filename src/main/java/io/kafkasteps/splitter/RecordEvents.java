package io.kafkasteps.splitter;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Gathers the events of one batch record, in order, as the exchanges to send. An event whose
 * steps ran {@code stop} is left out (that is how a route edit drops an event); an event whose
 * steps failed fails the whole record, which then goes to the dead-letter topic: a record is
 * split completely or not at all.
 *
 * <p>Why Java: Camel's grouped strategies either drop a part's exception or, with
 * {@code stopOnException}, turn a part's {@code stop} into a stop of the whole poll.
 */
public final class RecordEvents implements AggregationStrategy {

    private static final String EVENTS = "recordEvents";

    @Override
    public Exchange aggregate(Exchange gathered, Exchange event) {
        if (gathered == null) {
            gathered = event.copy();
            gathered.setRouteStop(false);
            gathered.setException(null);
            gathered.setProperty(EVENTS, new ArrayList<Exchange>());
        }
        if (gathered.getException() != null) {
            return gathered;
        }
        if (event.getException() != null) {
            gathered.setException(event.getException());
            return gathered;
        }
        if (!event.isRouteStop()) {
            events(gathered).add(event);
        }
        return gathered;
    }

    @Override
    public void onCompletion(Exchange gathered) {
        if (gathered != null && gathered.getException() == null) {
            gathered.getMessage().setBody(events(gathered));
            gathered.removeProperty(EVENTS);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Exchange> events(Exchange gathered) {
        return gathered.getProperty(EVENTS, List.class);
    }
}
