package io.kafkasteps.splitter;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;

/**
 * Reads the events out of one batch record: parses its value and selects the array that the batch
 * path names. {@code $.events[*]} and {@code $.events} both select the elements of the array at
 * {@code $.events}; anything there but an array is bad input, never split by accident. Each event
 * is written as its record's value here, so a batch either yields all its events or is bad input.
 */
public final class BatchEvents {

    /** Room left in a record for its key, headers and framing, below the producer's request limit. */
    static final int RECORD_OVERHEAD = 1024;

    private final String path;
    private final JsonPath arrayPath;
    private final boolean definite;
    private final int maxEventBytes;

    public BatchEvents(String batchPath) {
        this(batchPath, Integer.MAX_VALUE);
    }

    /**
     * @param maxRequestSize the sink producer's max.request.size: an event that cannot fit in a
     *                       record is bad input, found before anything of its batch is sent
     */
    public BatchEvents(String batchPath, int maxRequestSize) {
        this.maxEventBytes = maxRequestSize == Integer.MAX_VALUE ? Integer.MAX_VALUE : maxRequestSize - RECORD_OVERHEAD;
        this.path = batchPath.trim();
        JsonPath compiled = JsonPaths.compile(path);
        JsonPath array = compiled;
        if (path.endsWith("[*]")) {
            array = JsonPaths.compile(path.substring(0, path.length() - 3));
        }
        this.definite = array.isDefinite();
        this.arrayPath = definite ? array : compiled;
    }

    /**
     * The events of a batch, in order.
     *
     * @throws BadBatchException when the value is not JSON or holds no array at the batch path
     */
    public List<Event> read(byte[] value) {
        JsonNode root = parse(value);
        Object found;
        try {
            found = arrayPath.read(root, JsonPaths.TREES);
        } catch (PathNotFoundException e) {
            throw new BadBatchException("batch path " + path + " not found: " + Json.oneLine(e.getMessage()));
        }
        if (!definite) {
            return elements((ArrayNode) found);
        }
        if (found instanceof ArrayNode array) {
            return elements(array);
        }
        throw new BadBatchException("batch path " + path + " holds " + describe(found) + ", not an array");
    }

    private static JsonNode parse(byte[] value) {
        if (value == null || value.length == 0) {
            throw new BadBatchException("value is empty, not JSON");
        }
        try {
            return Json.MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new BadBatchException("value is not valid JSON: " + Json.oneLine(e.getOriginalMessage()) + where, e);
        } catch (java.io.IOException e) {
            throw new BadBatchException("value cannot be read: " + Json.oneLine(e.getMessage()), e);
        }
    }

    private List<Event> elements(ArrayNode array) {
        List<Event> events = new ArrayList<>(array.size());
        for (JsonNode node : array) {
            byte[] value = Json.bytes(node);
            if (value.length > maxEventBytes) {
                throw new BadBatchException("event " + (events.size() + 1) + " of " + array.size() + " is " + value.length
                        + " bytes, larger than a sink record allows (" + maxEventBytes + ": splitter.producer.max.request.size less "
                        + RECORD_OVERHEAD + " for key and headers)");
            }
            events.add(new Event(node, value));
        }
        return events;
    }

    static String describe(Object found) {
        if (found == null || found instanceof JsonNode node && node.isNull()) {
            return "null";
        }
        if (found instanceof JsonNode node) {
            return node.isObject() ? "an object" : "a " + node.getNodeType().name().toLowerCase();
        }
        if (found instanceof String) {
            return "a string";
        }
        if (found instanceof Number) {
            return "a number";
        }
        if (found instanceof Boolean) {
            return "a boolean";
        }
        return "a " + found.getClass().getSimpleName();
    }
}
