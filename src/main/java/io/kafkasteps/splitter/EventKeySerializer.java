package io.kafkasteps.splitter;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The sink's key serializer: the {@code kafka.KEY} header as a record key. Text stays text; a
 * number, true or false is its JSON text; an object or array (a key path that selects one) is its
 * compact JSON; no key stays no key.
 *
 * <p>Why Java: {@code setHeader} with {@code jsonpath} yields the selected value as it is (a Map
 * for an object), and Camel's type converters would write a Map as {@code {a=1}}, not as JSON.
 * A Kafka serializer is where a key becomes bytes.
 */
public final class EventKeySerializer implements Serializer<Object> {

    private static final ObjectMapper JSON = ExactJson.mapper();

    @Override
    public byte[] serialize(String topic, Object key) {
        if (key == null) {
            return null;
        }
        if (key instanceof byte[] bytes) {
            return bytes;
        }
        if (key instanceof CharSequence text) {
            return text.toString().getBytes(StandardCharsets.UTF_8);
        }
        try {
            return JSON.writeValueAsBytes(key);
        } catch (JsonProcessingException e) {
            throw new BadBatchException("key cannot be written as JSON: " + ExactJson.oneLine(e.getOriginalMessage()), e);
        }
    }
}
