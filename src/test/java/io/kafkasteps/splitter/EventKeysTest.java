package io.kafkasteps.splitter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class EventKeysTest {

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void key_forms_follow_the_json_type() throws Exception {
        EventKeys keys = new EventKeys("$.id");
        assertThat(keys.keyOf(json("{\"id\":\"abc\"}"))).isEqualTo("abc");
        assertThat(keys.keyOf(json("{\"id\":42}"))).isEqualTo("42");
        assertThat(keys.keyOf(json("{\"id\":12345678901234567890123}"))).isEqualTo("12345678901234567890123");
        assertThat(keys.keyOf(json("{\"id\":2.50}"))).isEqualTo("2.50");
        assertThat(keys.keyOf(json("{\"id\":true}"))).isEqualTo("true");
        assertThat(keys.keyOf(json("{\"id\":{\"a\": [1, \"x\"]}}"))).isEqualTo("{\"a\":[1,\"x\"]}");
        assertThat(keys.keyOf(json("{\"id\":[1, 2]}"))).isEqualTo("[1,2]");
    }

    @Test
    void missing_or_null_key_gives_no_key() throws Exception {
        EventKeys keys = new EventKeys("$.id");
        assertThat(keys.keyOf(json("{\"other\":1}"))).isNull();
        assertThat(keys.keyOf(json("{\"id\":null}"))).isNull();
        assertThat(keys.keyOf(json("17"))).isNull();
        assertThat(keys.keyOf(json("[1]"))).isNull();
    }

    @Test
    void nested_and_wildcard_key_paths() throws Exception {
        assertThat(new EventKeys("$.meta.oid").keyOf(json("{\"meta\":{\"oid\":\"ZTF1\"}}"))).isEqualTo("ZTF1");
        assertThat(new EventKeys("$.c[*].id").keyOf(json("{\"c\":[{\"id\":1},{\"id\":2}]}"))).isEqualTo("[1,2]");
    }

    @Test
    void no_key_path_means_no_key() throws Exception {
        assertThat(new EventKeys("").keyOf(json("{\"id\":1}"))).isNull();
        assertThat(new EventKeys(null).keyOf(json("{\"id\":1}"))).isNull();
    }
}
