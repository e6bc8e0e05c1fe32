package io.kafkasteps.splitter;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A part of the split over one poll is the consumed record's own exchange: this makes its
 * message (value, key, headers, topic, partition, offset) the part's message.
 */
public final class ConsumedRecord implements Processor {

    @Override
    public void process(Exchange part) {
        Exchange record = part.getMessage().getBody(Exchange.class);
        part.getMessage().copyFrom(record.getMessage());
    }
}
