package io.kafkasteps.splitter;

import static io.kafkasteps.testing.Records.header;
import static io.kafkasteps.testing.Records.text;
import static io.kafkasteps.testing.Records.values;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.kafkasteps.KafkaSteps;
import io.kafkasteps.Settings;
import io.kafkasteps.testing.Records;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every recipe of docs/recipes.md, applied exactly as the document shows it to a copy of routes/
 * (and of application.properties), run against a real broker, its result read back.
 */
class RecipesIT extends SplitterTestBase {

    private static final Pattern RECIPE = Pattern.compile(
            "<!-- recipe: (\\S+); (?:before: \"([^\"]+)\"|(run)) -->\\n```(?:yaml|sh)\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path work;

    private KafkaSteps app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void keep_only_the_events_that_match_a_condition() throws Exception {
        Topics t = Topics.fresh();
        records.send(t.source(), null, "{\"events\":[{\"id\":\"a\",\"fid\":1},{\"id\":\"b\",\"fid\":2},\"scalar\",{\"id\":\"c\",\"fid\":1}]}");
        start(apply("keep-matching"), t.settings("$.id"), "batch-to-stream");
        assertThat(values(records.read(t.sink(), 2, WAIT))).containsExactly("{\"id\":\"a\",\"fid\":1}", "{\"id\":\"c\",\"fid\":1}");
        assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 1)).isTrue();
        assertThat(records.readToEnd(t.sink())).hasSize(2);
        assertThat(records.readToEnd(t.dlq())).isEmpty();
    }

    @Test
    void copy_a_field_of_the_envelope_into_every_event_and_a_header() throws Exception {
        Topics t = Topics.fresh();
        records.send(t.source(), null, "{\"objectId\":\"ZTF1\",\"events\":[{\"id\":\"e1\"},{\"id\":\"e2\"}]}");
        records.send(t.source(), null, "{\"events\":[{\"id\":\"e3\"}]}");
        start(apply("envelope-field"), t.settings("$.id"), "batch-to-stream");
        List<ConsumerRecord<byte[], byte[]>> out = records.read(t.sink(), 3, WAIT);
        assertThat(values(out)).containsExactly("{\"id\":\"e1\",\"objectId\":\"ZTF1\"}", "{\"id\":\"e2\",\"objectId\":\"ZTF1\"}", "{\"id\":\"e3\"}");
        assertThat(out).extracting(r -> header(r, "objectId")).containsExactly("ZTF1", "ZTF1", null);
    }

    @Test
    void send_events_to_different_topics_by_their_content() throws Exception {
        Topics t = Topics.fresh();
        records.createTopics(1, t.sink() + ".r-band");
        records.send(t.source(), null, "{\"events\":[{\"id\":\"g\",\"fid\":1},{\"id\":\"r\",\"fid\":2},[2],{\"id\":\"g2\",\"fid\":1}]}");
        start(apply("route-by-content"), t.settings("$.id"), "batch-to-stream");
        assertThat(values(records.read(t.sink(), 3, WAIT))).containsExactly("{\"id\":\"g\",\"fid\":1}", "[2]", "{\"id\":\"g2\",\"fid\":1}");
        assertThat(values(records.read(t.sink() + ".r-band", 1, WAIT))).containsExactly("{\"id\":\"r\",\"fid\":2}");
        assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 1)).isTrue();
        assertThat(records.readToEnd(t.sink())).hasSize(3);
    }

    @Test
    void routed_events_keep_their_topic_and_are_sent_once_when_the_send_is_retried() throws Exception {
        Topics t = Topics.fresh();
        String rBand = t.sink() + ".r-band";   // missing at first: the send is retried until it exists
        records.send(t.source(), null, "{\"events\":[{\"id\":\"g\",\"fid\":1},{\"id\":\"r\",\"fid\":2},{\"id\":\"g2\",\"fid\":1}]}");
        Map<String, String> settings = t.settings("$.id");
        settings.put("splitter.producer.max.block.ms", "500");
        start(apply("route-by-content"), settings, "batch-to-stream");
        assertThat(values(records.read(t.sink(), 2, WAIT))).containsExactly("{\"id\":\"g\",\"fid\":1}", "{\"id\":\"g2\",\"fid\":1}");
        var inflight = app.context().getInflightRepository();
        assertThat(Records.eventually(WAIT, () -> inflight.browse().stream().anyMatch(e -> e.getDuration() > 2000)))
                .as("the poll is held and its send retried").isTrue();
        records.createTopics(1, rBand);
        assertThat(values(records.read(rBand, 1, WAIT))).containsExactly("{\"id\":\"r\",\"fid\":2}");
        assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 1)).isTrue();
        assertThat(values(records.readToEnd(t.sink()))).as("the retries sent only what was not acknowledged, to its own topic")
                .containsExactly("{\"id\":\"g\",\"fid\":1}", "{\"id\":\"g2\",\"fid\":1}");
        assertThat(records.readToEnd(t.dlq())).isEmpty();
    }

    @Test
    void stop_before_the_event_split_leaves_out_that_record_and_the_poll_goes_on() throws Exception {
        Topics t = Topics.fresh();
        records.send(t.source(), null, "{\"events\":[{\"id\":\"a\"}]}");
        records.send(t.source(), null, "{\"skip\":true,\"events\":[{\"id\":\"x\"}]}");
        records.send(t.source(), null, "{\"events\":[{\"id\":\"b\"}]}");
        Path dir = apply("lineage");
        insertBefore(dir.resolve("routes/batch-to-stream.camel.yaml"), "# Splitter EIP over the batch: each event in order, as its own record.", """
                - filter:
                    simple: "${body[skip]} == true"
                    steps:
                      - stop: {}
                """);
        start(dir, t.settings("$.id"), "batch-to-stream");
        assertThat(Records.eventually(WAIT, () -> records.committed(t.group(), t.source()) == 3)).isTrue();
        assertThat(values(records.readToEnd(t.sink()))).containsExactly("{\"id\":\"a\"}", "{\"id\":\"b\"}");
        assertThat(records.readToEnd(t.dlq())).isEmpty();
    }

    @Test
    void a_key_made_of_two_fields_of_the_event() throws Exception {
        Topics t = Topics.fresh();
        records.send(t.source(), null, "{\"events\":[{\"objectId\":\"ZTF1\",\"candid\":123},7,{\"objectId\":\"ZTF2\",\"candid\":456}]}");
        start(apply("two-field-key"), t.settings("$.id"), "batch-to-stream");
        assertThat(records.read(t.sink(), 3, WAIT)).extracting(r -> text(r.key())).containsExactly("ZTF1-123", null, "ZTF2-456");
    }

    @Test
    void lineage_headers_name_each_event_exactly_once() throws Exception {
        Topics t = Topics.fresh();
        records.send(t.source(), null, "{\"events\":[{\"id\":\"x\"}]}");
        records.send(t.source(), null, "{\"events\":[{\"id\":\"a\"},{\"id\":\"b\"}]}");
        start(apply("lineage"), t.settings("$.id"), "batch-to-stream");
        List<ConsumerRecord<byte[], byte[]>> out = records.read(t.sink(), 3, WAIT);
        assertThat(out).extracting(r -> header(r, "lineage.topic")).containsOnly(t.source());
        assertThat(out).extracting(r -> header(r, "lineage.partition")).containsOnly("0");
        assertThat(out).extracting(r -> header(r, "lineage.offset")).containsExactly("0", "1", "1");
        assertThat(out).extracting(r -> header(r, "lineage.index")).containsExactly("0", "0", "1");
        assertThat(out).extracting(r -> header(r, "lineage.count")).containsExactly("1", "2", "2");
    }

    @Test
    void a_second_splitter_pipeline_runs_beside_the_first_with_its_own_settings() throws Exception {
        Topics first = Topics.fresh();
        Topics second = Topics.fresh();
        records.send(first.source(), null, "{\"events\":[{\"id\":\"f1\"}]}");
        records.send(second.source(), null, "{\"alerts\":[{\"oid\":\"s1\"},{\"oid\":\"s2\"}]}");
        Map<String, String> settings = first.settings("$.id");
        settings.put("alerts.brokers", kafka.bootstrapServers());
        settings.put("alerts.source.topic", second.source());
        settings.put("alerts.sink.topic", second.sink());
        settings.put("alerts.batch.path", "$.alerts[*]");
        settings.put("alerts.key.path", "$.oid");
        start(apply("second-pipeline"), settings, "batch-to-stream", "alerts-to-stream");
        assertThat(values(records.read(first.sink(), 1, WAIT))).containsExactly("{\"id\":\"f1\"}");
        List<ConsumerRecord<byte[], byte[]>> out = records.read(second.sink(), 2, WAIT);
        assertThat(values(out)).containsExactly("{\"oid\":\"s1\"}", "{\"oid\":\"s2\"}");
        assertThat(out).extracting(r -> text(r.key())).containsExactly("s1", "s2");
        assertThat(Records.eventually(WAIT, () -> records.committed("alerts-to-stream", second.source()) == 1))
                .as("the copy's own group, by default").isTrue();
        records.send(second.source(), "bad", "not json");
        assertThat(records.read(second.dlq(), 1, WAIT)).as("the copy's own dead-letter topic, by default")
                .extracting(r -> text(r.key())).containsExactly("bad");
        assertThat(app.context().getRoute("alerts-to-stream")).isNotNull();
        assertThat(Files.readString(work.resolve("application.properties"), UTF_8)).contains("alerts.max.poll.records=");
    }

    /** A copy of routes/ and application.properties with the recipe's blocks applied as the document says. */
    private Path apply(String recipe) throws Exception {
        Path routes = Files.createDirectories(work.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        Files.copy(Path.of("application.properties"), work.resolve("application.properties"));
        Path routeFile = routes.resolve("batch-to-stream.camel.yaml");
        Matcher m = RECIPE.matcher(Files.readString(Path.of("docs/recipes.md"), UTF_8));
        int applied = 0;
        while (m.find()) {
            if (!m.group(1).equals(recipe)) {
                continue;
            }
            applied++;
            if (m.group(3) != null) {
                run(m.group(4));
            } else {
                insertBefore(routeFile, m.group(2), m.group(4));
            }
        }
        assertThat(applied).as("blocks of recipe %s in docs/recipes.md", recipe).isPositive();
        return work;
    }

    private static void insertBefore(Path file, String anchor, String block) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, UTF_8));
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(anchor)) {
                assertThat(at).as("the anchor '%s' once in the route file", anchor).isEqualTo(-1);
                at = i;
            }
        }
        assertThat(at).as("the anchor '%s' in the route file", anchor).isNotNegative();
        String indent = lines.get(at).substring(0, lines.get(at).indexOf('#'));
        List<String> indented = block.lines().map(l -> l.isBlank() ? l : indent + l).toList();
        lines.addAll(at, indented);
        Files.write(file, lines, UTF_8);
    }

    private void run(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-euc", script).directory(work.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.exitValue()).as("the recipe's commands: %s", output).isZero();
    }

    private void start(Path dir, Map<String, String> given, String... routes) throws Exception {
        Map<String, String> settings = new HashMap<>(given);
        settings.put("camel.management.port", "0");
        Settings resolved = Settings.load(dir.resolve("application.properties"), Map.of(), Map.of()).withCommandLine(settings);
        app = new KafkaSteps(List.of(routes), dir.resolve("routes"), resolved);
        app.start();
    }
}
