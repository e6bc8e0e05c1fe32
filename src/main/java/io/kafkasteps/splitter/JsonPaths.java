package io.kafkasteps.splitter;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;

/** Compiles JSONPath expressions that run over the splitter's Jackson trees. */
final class JsonPaths {

    /** Paths run on parsed trees: results stay Jackson nodes (or their exact scalar values). */
    static final Configuration TREES = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(Json.MAPPER))
            .mappingProvider(new JacksonMappingProvider(Json.MAPPER))
            .options(Option.REQUIRE_PROPERTIES)
            .build();

    private JsonPaths() {
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
            throw new IllegalArgumentException("'" + path + "' is not a valid JSONPath: " + Json.oneLine(e.getMessage()));
        }
    }
}
