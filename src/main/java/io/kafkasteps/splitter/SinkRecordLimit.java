package io.kafkasteps.splitter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.KafkaHeaderFilterStrategy;
import org.apache.camel.component.kafka.serde.DefaultKafkaHeaderSerializer;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's own size limit, applied before anything is sent: a record is measured as the
 * Kafka producer measures it (key, value, headers and framing, against {@code max.request.size}),
 * with the headers camel-kafka would write. An event that cannot fit makes its batch record bad
 * input before any of its events is sent; a dead letter that cannot fit loses its value (then its
 * source headers, then its key) and says so in a header, so it is still written.
 *
 * <p>Why Java: no EIP measures a record as Kafka will frame it, and a Kafka producer that is
 * handed an oversized record in a poll's send fails that send for good.
 */
public final class SinkRecordLimit implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(SinkRecordLimit.class);
    private static final EventKeySerializer KEYS = new EventKeySerializer();

    private final int maxRequestSize;
    private final CompressionType compression;
    private final HeaderFilterStrategy headerFilter = new KafkaHeaderFilterStrategy();
    private final DefaultKafkaHeaderSerializer headerSerializer = new DefaultKafkaHeaderSerializer();
    private CamelContext context;

    /**
     * @param maxRequestSize the sink producer's {@code max.request.size}
     * @param compression    the sink producer's compression codec (none, gzip, snappy, lz4, zstd)
     */
    public SinkRecordLimit(int maxRequestSize, String compression) {
        this.maxRequestSize = maxRequestSize;
        this.compression = compression == null || compression.isBlank() ? CompressionType.NONE : CompressionType.forName(compression.trim());
    }

    /**
     * Checks the event records of one batch record (the body, a list of exchanges).
     *
     * @throws BadBatchException naming the first event that cannot fit in a sink record
     */
    public void checkEvents(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof List<?> events)) {
            return;
        }
        int n = 0;
        for (Object event : events) {
            n++;
            Message m = event instanceof Exchange e ? e.getMessage() : (Message) event;
            int size = sizeOf(m);
            if (size > maxRequestSize) {
                throw new BadBatchException("event " + n + " of " + events.size() + " is " + size
                        + " bytes as a record (key, value and headers), larger than a sink record allows ("
                        + maxRequestSize + ": splitter.producer.max.request.size)");
            }
        }
    }

    /** Makes a dead letter fit a record: leaves out its value, then its source headers, then its key. */
    public void fitDeadLetter(Exchange exchange) {
        Message m = exchange.getMessage();
        int size = sizeOf(m);
        if (size <= maxRequestSize) {
            return;
        }
        leaveOutValue(exchange);
        if (sizeOf(m) > maxRequestSize) {
            leaveOutSourceHeaders(exchange);
        }
        if (sizeOf(m) > maxRequestSize) {
            m.removeHeader(KafkaConstants.KEY);
            m.setHeader("dlq.key.omitted", utf8("the key is too large for the dead-letter topic"));
        }
        LOG.warn("dead letter of {} bytes left out parts to fit a record of at most {} bytes", size, maxRequestSize);
    }

    /** Leaves out a dead letter's value (the dead-letter topic refused it as too large), saying so in a header. */
    public void leaveOutValue(Exchange exchange) {
        Message m = exchange.getMessage();
        byte[] value = m.getBody(byte[].class);
        m.setBody(null);
        m.setHeader("dlq.value.omitted", utf8((value == null ? 0 : value.length) + " bytes: the record is too large for the dead-letter topic"));
        LOG.warn("dead letter of {} bytes written without its value: too large for the dead-letter topic", value == null ? 0 : value.length);
    }

    /** The dead-letter topic refused the record (its max.message.bytes): leaves out its value and its source headers. */
    public void refusedDeadLetter(Exchange exchange) {
        leaveOutValue(exchange);
        leaveOutSourceHeaders(exchange);
    }

    private void leaveOutSourceHeaders(Exchange exchange) {
        Message m = exchange.getMessage();
        List<String> sourceHeaders = new ArrayList<>();
        for (String name : m.getHeaders().keySet()) {
            if (!name.startsWith("dlq.") && !headerFilter.applyFilterToCamelHeaders(name, m.getHeader(name), exchange)) {
                sourceHeaders.add(name);
            }
        }
        sourceHeaders.forEach(m::removeHeader);
        m.setHeader("dlq.headers.omitted", utf8(sourceHeaders.size() + " source headers: too large for the dead-letter topic"));
    }

    /** The size the Kafka producer computes for this message as a record. */
    int sizeOf(Message m) {
        byte[] key = KEYS.serialize(null, m.getHeader(KafkaConstants.KEY));
        Object body = m.getBody();
        byte[] value = body == null ? null : body instanceof byte[] b ? b : m.getBody(byte[].class);
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, compression, key, value, headers(m));
    }

    private Header[] headers(Message m) {
        List<Header> out = new ArrayList<>();
        for (Map.Entry<String, Object> h : m.getHeaders().entrySet()) {
            if (!headerFilter.applyFilterToCamelHeaders(h.getKey(), h.getValue(), m.getExchange())) {
                byte[] v = headerSerializer.serialize(h.getKey(), h.getValue());
                if (v != null) {
                    out.add(new RecordHeader(h.getKey(), v));
                }
            }
        }
        return out.toArray(new Header[0]);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
        headerSerializer.setCamelContext(context);
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }
}
