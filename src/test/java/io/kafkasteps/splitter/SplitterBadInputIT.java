package io.kafkasteps.splitter;

import static io.kafkasteps.testing.Records.header;
import static io.kafkasteps.testing.Records.text;
import static io.kafkasteps.testing.Records.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.kafkasteps.testing.Records;
import io.kafkasteps.testing.RunningApp;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Bad input found at send time goes to the dead-letter topic with its reason, and the route goes
 * on. The catalogue of input that is not a batch (not JSON, no array at the path, ...) is one
 * table in {@code faults/SplitterHostileInputIT}.
 */
class SplitterBadInputIT extends SplitterTestBase {

    @Test
    void an_event_larger_than_a_sink_record_allows_dead_letters_its_batch_before_anything_is_sent() {
        Topics t = Topics.fresh();
        String big = "x".repeat(3100);
        records.send(t.source(), "big", "{\"events\":[{\"id\":1,\"blob\":\"" + big + "\"}]}");
        records.send(t.source(), "small", "{\"events\":[{\"id\":2}]}");
        Map<String, String> settings = t.settings("$.id");
        settings.put("splitter.producer.max.request.size", "2048");
        try (RunningApp app = RunningApp.start(settings, "batch-to-stream")) {
            assertThat(values(records.read(t.sink(), 1, WAIT))).containsExactly("{\"id\":2}");
            List<ConsumerRecord<byte[], byte[]>> dead = records.read(t.dlq(), 1, WAIT);
            assertThat(dead).extracting(r -> text(r.key())).containsExactly("big");
            assertThat(header(dead.get(0), "dlq.error.class")).isEqualTo(BadBatchException.class.getName());
            assertThat(header(dead.get(0), "dlq.reason")).startsWith("event 1 of 1 is 3").contains("larger than a sink record allows");
        }
    }

    @Test
    void an_undeliverable_dead_letter_is_retried_and_its_offset_not_committed() {
        Topics t = Topics.fresh();
        String dlq = t.dlq() + "-late";
        records.send(t.source(), "bad", "not json");
        Map<String, String> settings = t.settings("$.id");
        settings.put("splitter.dlq.topic", dlq);
        settings.put("splitter.producer.max.block.ms", "500");
        try (RunningApp app = RunningApp.start(settings, "batch-to-stream")) {
            var inflight = app.app().context().getInflightRepository();
            assertThat(Records.eventually(WAIT, () -> inflight.browse().stream().anyMatch(e -> e.getDuration() > 3000)))
                    .as("the dead letter is held and retried").isTrue();
            assertThat(records.committed(t.group(), t.source())).isZero();
            records.createTopics(1, dlq);
            assertThat(records.read(dlq, 1, WAIT)).extracting(r -> text(r.key())).containsExactly("bad");
            assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 1)).isTrue();
        }
    }
}
