package io.kafkasteps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class KnownRoutesTest {

    @Test
    void every_known_route_has_its_yaml_file_holding_a_route_of_that_id() throws IOException {
        for (Route route : KnownRoutes.ALL) {
            Path file = Path.of("routes", route.name() + ".camel.yaml");
            assertThat(file).exists();
            assertThat(Files.readString(file)).contains("\n    id: " + route.name() + "\n");
        }
    }

    @Test
    void names_a_route_by_its_id_and_no_other() {
        assertThat(KnownRoutes.named("reflector")).map(Route::name).contains("reflector");
        assertThat(KnownRoutes.named("batch-to-stream")).map(Route::name).contains("batch-to-stream");
        assertThat(KnownRoutes.named("splitter")).isEmpty();
        assertThat(KnownRoutes.names()).isEqualTo("batch-to-stream, reflector");
    }
}
