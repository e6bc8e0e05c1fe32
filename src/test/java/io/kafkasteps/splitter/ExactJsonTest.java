package io.kafkasteps.splitter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The mapper that unmarshal, marshal and jsonpath share: what goes in comes out, every digit and character. */
class ExactJsonTest {

    private static final ObjectMapper JSON = ExactJson.mapper();

    private static String roundTrip(String text) throws Exception {
        return new String(JSON.writeValueAsBytes(JSON.readValue(text.getBytes(UTF_8), Object.class)), UTF_8);
    }

    @Test
    void numbers_keep_every_digit_and_strings_every_character() throws Exception {
        String event = "{\"big\":123456789012345678901234567890,\"dec\":3.141592653589793238462643383279,"
                + "\"zeros\":1.500,\"exp\":1e400,\"neg\":-9223372036854775809,\"s\":\"é😀\\u0000\\\"\\n\"}";
        assertThat(roundTrip(event)).isEqualTo("{\"big\":123456789012345678901234567890,\"dec\":3.141592653589793238462643383279,"
                + "\"zeros\":1.500,\"exp\":1E+400,\"neg\":-9223372036854775809,\"s\":\"é😀\\u0000\\\"\\n\"}");
    }

    @Test
    void nested_values_are_written_compactly_in_their_order() throws Exception {
        assertThat(roundTrip("{ \"z\" : { \"b\" : [ 1 , { } ] }, \"a\" : null }")).isEqualTo("{\"z\":{\"b\":[1,{}]},\"a\":null}");
    }

    @Test
    void lone_surrogates_stay_escaped_and_pairs_become_utf8() throws Exception {
        assertThat(roundTrip("[\"\\ud800\",\"a\\udc00b\",\"\\ud83d\\ude00\"]")).isEqualTo("[\"\\uD800\",\"a\\uDC00b\",\"😀\"]");
    }

    @Test
    void invalid_utf8_duplicate_keys_and_trailing_text_are_errors() {
        byte[] badUtf8 = {'{', '"', 'e', '"', ':', '"', (byte) 0xff, '"', '}'};
        assertThatThrownBy(() -> JSON.readValue(badUtf8, Object.class)).isInstanceOf(JsonProcessingException.class)
                .hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> roundTrip("{\"events\":[],\"events\":[1]}")).hasMessageContaining("Duplicate field 'events'");
        assertThatThrownBy(() -> roundTrip("{\"events\":[]} trailing")).isInstanceOf(JsonProcessingException.class);
    }
}
