package io.kafkasteps.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.kafkasteps.KafkaSteps;
import io.kafkasteps.ops.Progress;
import io.kafkasteps.Settings;

/** The application started in this JVM from the real routes/ and application.properties. */
public final class RunningApp implements AutoCloseable {

    private final KafkaSteps app;

    private RunningApp(KafkaSteps app) {
        this.app = app;
    }

    public static RunningApp start(Map<String, String> settings, String... routes) {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.putIfAbsent("camel.management.port", "0");   // tests never bind the fixed default port
        Settings resolved = Settings.load(Path.of("application.properties"), Map.of(), Map.of()).withCommandLine(all);
        KafkaSteps app = new KafkaSteps(List.of(routes), Path.of("routes"), resolved);
        try {
            app.start();
        } catch (Exception e) {
            throw new IllegalStateException("the application did not start: " + e, e);
        }
        return new RunningApp(app);
    }

    public Progress progress(String bean) {
        return app.context().getRegistry().lookupByNameAndType(bean, Progress.class);
    }

    public KafkaSteps app() {
        return app;
    }

    @Override
    public void close() {
        app.stop();
    }
}
