package io.kafkasteps.splitter;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * Makes one event its own record: the key from the key path ({@link EventKeys}; the batch record's
 * key is never inherited) and the value, the event's compact JSON. One step, no reflection: it
 * runs once per event.
 */
public final class EventRecord implements Processor {

    private final EventKeys keys;

    public EventRecord(String keyPath) {
        this.keys = new EventKeys(keyPath);
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        Event event = m.getBody(Event.class);
        m.setHeader(KafkaConstants.KEY, keys.keyOf(event));
        m.setBody(event.value());
    }
}
