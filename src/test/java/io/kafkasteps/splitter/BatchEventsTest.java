package io.kafkasteps.splitter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class BatchEventsTest {

    private static List<String> split(String path, String value) {
        return new BatchEvents(path).read(value.getBytes(UTF_8)).stream()
                .map(e -> new String(e.value(), UTF_8)).toList();
    }

    private static String reason(String path, byte[] value) {
        return assertThatThrownBy(() -> new BatchEvents(path).read(value))
                .isInstanceOf(BadBatchException.class).actual().getMessage();
    }

    private static String reason(String path, String value) {
        return reason(path, value.getBytes(UTF_8));
    }

    @Test
    void wildcard_path_and_array_path_select_the_same_events_in_order() {
        String batch = "{\"events\":[{\"id\":1},{\"id\":2},3,\"x\",[4,5],null]}";
        List<String> expected = List.of("{\"id\":1}", "{\"id\":2}", "3", "\"x\"", "[4,5]", "null");
        assertThat(split("$.events[*]", batch)).isEqualTo(expected);
        assertThat(split("$.events", batch)).isEqualTo(expected);
    }

    @Test
    void a_top_level_array_is_a_batch() {
        assertThat(split("$[*]", "[1,2]")).containsExactly("1", "2");
        assertThat(split("$", "[1,2]")).containsExactly("1", "2");
    }

    @Test
    void empty_array_is_a_batch_of_zero_events() {
        assertThat(split("$.events[*]", "{\"events\":[]}")).isEmpty();
    }

    @Test
    void numbers_keep_every_digit_and_strings_every_character() {
        String event = "{\"big\":123456789012345678901234567890,\"dec\":3.141592653589793238462643383279,"
                + "\"zeros\":1.500,\"exp\":1e400,\"neg\":-9223372036854775809,\"s\":\"é😀\\u0000\\\"\\n\"}";
        assertThat(split("$.events[*]", "{\"events\":[" + event + "]}")).containsExactly(
                "{\"big\":123456789012345678901234567890,\"dec\":3.141592653589793238462643383279,"
                        + "\"zeros\":1.500,\"exp\":1E+400,\"neg\":-9223372036854775809,\"s\":\"é😀\\u0000\\\"\\n\"}");
    }

    @Test
    void nested_events_are_written_compactly() {
        assertThat(split("$.events[*]", "{ \"events\" : [ { \"a\" : { \"b\" : [ 1 , { } ] } } ] }"))
                .containsExactly("{\"a\":{\"b\":[1,{}]}}");
    }

    @Test
    void not_json_is_bad_input_with_its_position() {
        assertThat(reason("$.events[*]", "hello")).startsWith("value is not valid JSON").contains("line 1");
        assertThat(reason("$.events[*]", "{\"events\":[1,2")).startsWith("value is not valid JSON");
        assertThat(reason("$.events[*]", "{\"events\":[]} trailing")).startsWith("value is not valid JSON");
        assertThat(reason("$.events[*]", "")).isEqualTo("value is empty, not JSON");
    }

    @Test
    void invalid_utf8_is_bad_input() {
        byte[] value = {'{', '"', 'e', '"', ':', '"', (byte) 0xff, '"', '}'};
        assertThat(reason("$.e", value)).startsWith("value is not valid JSON").contains("UTF-8");
    }

    @Test
    void lone_surrogates_stay_escaped_and_pairs_become_utf8() {
        assertThat(split("$.e", "{\"e\":[\"\\ud800\",\"a\\udc00b\",\"\\ud83d\\ude00\"]}"))
                .containsExactly("\"\\uD800\"", "\"a\\uDC00b\"", "\"😀\"");
    }

    @Test
    void duplicate_keys_are_bad_input() {
        assertThat(reason("$.events", "{\"events\":[],\"events\":[1]}")).contains("Duplicate field 'events'");
    }

    @Test
    void missing_batch_path_is_bad_input() {
        assertThat(reason("$.events[*]", "{\"other\":[]}")).startsWith("batch path $.events[*] not found");
        assertThat(reason("$.events", "42")).startsWith("batch path $.events not found");
    }

    @Test
    void a_batch_path_to_anything_but_an_array_is_bad_input() {
        assertThat(reason("$.events[*]", "{\"events\":{\"a\":1}}")).isEqualTo("batch path $.events[*] holds an object, not an array");
        assertThat(reason("$.events", "{\"events\":\"abc\"}")).isEqualTo("batch path $.events holds a string, not an array");
        assertThat(reason("$.events", "{\"events\":null}")).isEqualTo("batch path $.events holds null, not an array");
        assertThat(reason("$.events", "{\"events\":7}")).isEqualTo("batch path $.events holds a number, not an array");
    }

    @Test
    void an_invalid_path_is_refused_when_built() {
        assertThatThrownBy(() -> new BatchEvents("$.events[*")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'$.events[*' is not a valid JSONPath");
        assertThatThrownBy(() -> new BatchEvents("$.a b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bracket");
    }
}
