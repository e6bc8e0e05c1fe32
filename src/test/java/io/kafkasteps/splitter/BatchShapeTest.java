package io.kafkasteps.splitter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;

class BatchShapeTest {

    private static Object parsed(String json) throws Exception {
        return ExactJson.mapper().readValue(json.getBytes(UTF_8), Object.class);
    }

    private static String reason(String path, String json) throws Exception {
        Object value = parsed(json);
        return assertThatThrownBy(() -> new BatchShape(path).check(value))
                .isInstanceOf(BadBatchException.class).actual().getMessage();
    }

    @Test
    void an_array_at_the_path_passes_whether_named_with_or_without_wildcard() throws Exception {
        new BatchShape("$.events[*]").check(parsed("{\"events\":[{\"id\":1},2]}"));
        new BatchShape("$.events").check(parsed("{\"events\":[]}"));
        new BatchShape("$[*]").check(parsed("[1,2]"));
    }

    @Test
    void json_nulls_in_the_array_stay_events() throws Exception {
        Object batch = parsed("{\"events\":[null,{\"id\":1},null]}");
        new BatchShape("$.events[*]").check(batch);
        List<?> events = (List<?>) ((Map<?, ?>) batch).get("events");
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).isSameAs(NullNode.getInstance());
        assertThat(events.get(2)).isSameAs(NullNode.getInstance());
    }

    @Test
    void a_missing_batch_path_is_bad_input() throws Exception {
        assertThat(reason("$.events[*]", "{\"other\":[]}")).startsWith("batch path $.events[*] not found");
        assertThat(reason("$.events", "42")).startsWith("batch path $.events not found");
        assertThat(reason("$.events", "null")).startsWith("batch path $.events not found");
        assertThat(reason("$.events[*]", "[{\"id\":1}]")).startsWith("batch path $.events[*] not found");
    }

    @Test
    void a_batch_path_to_anything_but_an_array_is_bad_input() throws Exception {
        assertThat(reason("$.events[*]", "{\"events\":{\"a\":1}}")).isEqualTo("batch path $.events[*] holds an object, not an array");
        assertThat(reason("$.events", "{\"events\":\"abc\"}")).isEqualTo("batch path $.events holds a string, not an array");
        assertThat(reason("$.events", "{\"events\":null}")).isEqualTo("batch path $.events holds null, not an array");
        assertThat(reason("$.events", "{\"events\":7}")).isEqualTo("batch path $.events holds a number, not an array");
    }

    @Test
    void an_invalid_path_is_refused_when_built() {
        assertThatThrownBy(() -> new BatchShape("$.events[*")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'$.events[*' is not a valid JSONPath");
        assertThatThrownBy(() -> new BatchShape(" ")).isInstanceOf(IllegalArgumentException.class).hasMessage("is empty");
        assertThatThrownBy(() -> new BatchShape("$..events")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names more than one place");
        assertThatThrownBy(() -> new BatchShape("$.events[?(@.fid == 1)]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names more than one place");
    }
}
