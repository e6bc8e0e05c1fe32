package io.kafkasteps.splitter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A key as jsonpath selects it (text, number, boolean, object, array) becomes the record key. */
class EventKeySerializerTest {

    private static String key(Object selected) {
        byte[] bytes = new EventKeySerializer().serialize("t", selected);
        return bytes == null ? null : new String(bytes, UTF_8);
    }

    @Test
    void key_forms_follow_the_json_type() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("a", List.of(1, "x"));
        assertThat(key("abc")).isEqualTo("abc");
        assertThat(key("é😀")).isEqualTo("é😀");
        assertThat(key(42)).isEqualTo("42");
        assertThat(key(new BigInteger("12345678901234567890123"))).isEqualTo("12345678901234567890123");
        assertThat(key(new BigDecimal("2.50"))).isEqualTo("2.50");
        assertThat(key(true)).isEqualTo("true");
        assertThat(key(object)).isEqualTo("{\"a\":[1,\"x\"]}");
        assertThat(key(List.of(1, 2))).isEqualTo("[1,2]");
    }

    @Test
    void no_key_stays_no_key_and_bytes_stay_bytes() {
        assertThat(key(null)).isNull();
        assertThat(new EventKeySerializer().serialize("t", new byte[] {1, 2})).containsExactly(1, 2);
    }
}
