package io.kafkasteps.splitter;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A part of the split over one poll is a consumed record's own exchange: this makes that record's
 * message (value, key, headers, topic, partition, offset) the part's message, and keeps the
 * record as the exchange property {@code batchRecord}, so every event split from it, and a dead
 * letter of it, can find the record exactly as it was consumed.
 *
 * <p>Why Java: the batching consumer hands over a list of exchanges, and no EIP copies another
 * exchange's message into the current one.
 */
public final class ConsumedRecord implements Processor {

    /** The exchange property that holds the consumed record of the current part. */
    public static final String PROPERTY = "batchRecord";

    @Override
    public void process(Exchange part) {
        Exchange record = part.getMessage().getBody() instanceof Exchange consumed ? consumed : part.getProperty(PROPERTY, Exchange.class);
        part.setProperty(PROPERTY, record);
        part.getMessage().copyFrom(record.getMessage());
        Throwable rejected = record.getProperty(SinkRejections.REJECTED, Throwable.class);
        if (rejected != null) {
            part.setProperty(Exchange.EXCEPTION_CAUGHT, rejected);
        }
    }
}
