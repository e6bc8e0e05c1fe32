package io.kafkasteps.splitter;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The splitter's one ObjectMapper, declared as the bean {@code splitterJson} in the route file and
 * used by {@code unmarshal: json}, {@code marshal: json} and (as the only ObjectMapper in the
 * registry) by camel-jsonpath. Numbers keep every digit (big integers, long decimals, trailing
 * zeros), duplicate keys and trailing tokens are errors, invalid UTF-8 is an error (Jackson's byte
 * parser), and characters outside the BMP are written as UTF-8, not as escaped surrogate pairs.
 *
 * <p>Why Java: YAML beans can set properties and call static factories, but not the builder's
 * {@code enable(...)} methods, and two of these features (duplicate detection, surrogate
 * combining) are parser and generator features that Camel's {@code enableFeatures} option does
 * not reach.
 */
public final class ExactJson {

    private ExactJson() {
    }

    /** A new mapper with the splitter's exact settings (the route file's {@code factoryMethod}). */
    public static ObjectMapper mapper() {
        return JsonMapper.builder()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .build();
    }

    /** Folds a possibly multi-line message into one readable line. */
    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
