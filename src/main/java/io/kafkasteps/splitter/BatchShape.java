package io.kafkasteps.splitter;

import java.util.List;
import java.util.ListIterator;

import com.fasterxml.jackson.databind.node.NullNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Checks that a parsed batch holds an array at the batch path, so the {@code split} after it
 * splits exactly that array: {@code $.events[*]} and {@code $.events} both name the array at
 * {@code $.events}. Anything else there is bad input with a reason that says what was found.
 *
 * <p>Why Java: JSONPath's {@code [*]} also walks the values of an object and a missing path can
 * be an empty list, so {@code split: jsonpath} alone would split an object's fields or nothing,
 * silently; a Camel predicate cannot say what it found instead of an array; and Camel's Splitter
 * skips null parts, so a JSON null event is handed on as Jackson's null node (written {@code null}).
 */
public final class BatchShape implements Processor {

    private static final Configuration PLAIN = Configuration.builder()
            .jsonProvider(new JacksonJsonProvider())
            .mappingProvider(new JacksonMappingProvider())
            .options(Option.REQUIRE_PROPERTIES)
            .build();

    private final String path;
    private final JsonPath arrayPath;

    public BatchShape(String batchPath) {
        this.path = batchPath.trim();
        JsonPath compiled = compile(path);
        if (path.endsWith("[*]")) {
            JsonPath array = compile(path.substring(0, path.length() - 3));
            compiled = array.isDefinite() ? array : compiled;
        }
        if (!compiled.isDefinite()) {
            throw new IllegalArgumentException("'" + path + "' names more than one place; name the one array of events, as $.events or $.events[*]");
        }
        this.arrayPath = compiled;
    }

    @Override
    public void process(Exchange exchange) {
        check(exchange.getMessage().getBody());
    }

    /** @throws BadBatchException when the parsed value holds no array at the batch path */
    void check(Object parsed) {
        Object found;
        try {
            found = arrayPath.read(parsed, PLAIN);
        } catch (PathNotFoundException e) {
            throw new BadBatchException("batch path " + path + " not found: " + ExactJson.oneLine(e.getMessage()));
        } catch (IllegalArgumentException e) {
            // json-path refuses a scalar document ("42", "null") before it looks for the path
            throw new BadBatchException("batch path " + path + " not found: the value is " + describe(parsed));
        }
        if (!(found instanceof List<?> events)) {
            throw new BadBatchException("batch path " + path + " holds " + describe(found) + ", not an array");
        }
        keepNulls(events);
    }

    /** Camel's Splitter skips null parts, but a JSON null in the batch is an event: it goes as Jackson's null node. */
    @SuppressWarnings("unchecked")
    private static void keepNulls(List<?> events) {
        ListIterator<Object> it = ((List<Object>) events).listIterator();
        while (it.hasNext()) {
            if (it.next() == null) {
                it.set(NullNode.getInstance());
            }
        }
    }

    static String describe(Object found) {
        if (found == null) {
            return "null";
        }
        if (found instanceof java.util.Map<?, ?>) {
            return "an object";
        }
        if (found instanceof List<?>) {
            return "an array";
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

    /**
     * Compiles a path, or explains in one line why it is not one.
     *
     * @throws IllegalArgumentException with a readable reason
     */
    static JsonPath compile(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        try {
            return JsonPath.compile(path.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + path + "' is not a valid JSONPath: " + ExactJson.oneLine(e.getMessage()));
        }
    }
}
