package io.kafkasteps.splitter;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;

/**
 * The record key of one event, from a JSONPath evaluated on that event: a string gives its text, a
 * number or boolean its JSON text, an object or array its compact JSON, and a missing path or
 * JSON null gives no key. Without a key path every event has no key.
 */
public final class EventKeys {

    private final JsonPath keyPath;

    public EventKeys(String keyPath) {
        this.keyPath = keyPath == null || keyPath.isBlank() ? null : JsonPaths.compile(keyPath);
    }

    public String keyOf(Event event) {
        return keyOf(event.json());
    }

    String keyOf(JsonNode event) {
        if (keyPath == null) {
            return null;
        }
        Object found;
        try {
            found = keyPath.read(event, JsonPaths.TREES);
        } catch (PathNotFoundException e) {
            return null;
        }
        if (found == null || found instanceof JsonNode node && node.isNull()) {
            return null;
        }
        if (found instanceof String text) {
            return text;
        }
        if (found instanceof JsonNode node && node.isTextual()) {
            return node.textValue();
        }
        return Json.text(found);
    }
}
