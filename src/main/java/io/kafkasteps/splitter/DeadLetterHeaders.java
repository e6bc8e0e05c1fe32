package io.kafkasteps.splitter;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stamps a dead letter with why and where from: {@code dlq.reason} (one line),
 * {@code dlq.error.class}, {@code dlq.source.topic}, {@code dlq.source.partition} and
 * {@code dlq.source.offset}, all UTF-8 text. The reason is that of the error the record itself
 * caused, not of the layers that carried it; a JSON parse error of {@code unmarshal: json} reads
 * "value is not valid JSON: ..." with its line and column.
 */
public final class DeadLetterHeaders implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHeaders.class);
    private static final int MAX_REASON = 1000;

    @Override
    public void process(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Throwable cause = cause(error);
        String reason = reason(cause);
        Message in = exchange.getMessage();
        String topic = in.getHeader(KafkaConstants.TOPIC, String.class);
        Object partition = in.getHeader(KafkaConstants.PARTITION);
        Object offset = in.getHeader(KafkaConstants.OFFSET);
        in.setHeader("dlq.reason", utf8(reason));
        in.setHeader("dlq.error.class", utf8(cause == null ? "unknown" : cause.getClass().getName()));
        in.setHeader("dlq.source.topic", utf8(String.valueOf(topic)));
        in.setHeader("dlq.source.partition", utf8(String.valueOf(partition)));
        in.setHeader("dlq.source.offset", utf8(String.valueOf(offset)));
        LOG.warn("dead letter: {}-{}@{}: {}", topic, partition, offset, reason);
    }

    /** The splitter's own verdict if there is one (a JSON parse error is one), else the deepest cause. */
    static Throwable cause(Throwable error) {
        Throwable deepest = error;
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BadBatchException) {
                return t;
            }
            if (t instanceof JsonProcessingException json) {
                return new BadBatchException(notJson(json), json);
            }
            deepest = t;
            if (t.getCause() == t) {
                break;
            }
        }
        return deepest;
    }

    static String reason(Throwable cause) {
        if (cause == null) {
            return "unknown error";
        }
        String message = ExactJson.oneLine(cause.getMessage());
        if (message.isEmpty()) {
            message = cause.getClass().getSimpleName();
        }
        return message.length() > MAX_REASON ? message.substring(0, MAX_REASON) + "..." : message;
    }

    private static String notJson(JsonProcessingException e) {
        String original = ExactJson.oneLine(e.getOriginalMessage());
        if (e instanceof MismatchedInputException && original.startsWith("No content to map due to end-of-input")) {
            return "value is empty, not JSON";
        }
        String where = e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        return "value is not valid JSON: " + original + where;   // cut to MAX_REASON by reason()
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

}
