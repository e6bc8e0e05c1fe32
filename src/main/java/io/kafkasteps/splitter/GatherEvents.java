package io.kafkasteps.splitter;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Gathers the event records of every record of a poll, in order, into one list: the poll's
 * events are then sent together, pipelined, and acknowledged before its offsets are committed.
 * A part that yielded no list (a tombstone, a dead letter, an empty batch) adds nothing. A part
 * that failed never reaches this strategy: the split over the poll stops on it
 * ({@code stopOnException}), so its failure is the poll's and nothing is committed.
 */
public final class GatherEvents implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange gathered, Exchange part) {
        if (gathered == null) {
            gathered = part.copy();
            gathered.removeProperty(ConsumedRecord.PROPERTY);
            gathered.getMessage().setBody(new ArrayList<>());
        }
        if (part.getMessage().getBody() instanceof List<?> events) {
            @SuppressWarnings("unchecked")
            List<Object> all = gathered.getMessage().getBody(List.class);
            all.addAll(events);
        }
        return gathered;
    }
}
