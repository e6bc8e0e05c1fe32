package io.kafkasteps.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step's metadata (ALeRCE's STEP_ID, STEP_NAME, STEP_VERSION, STEP_COMMENTS): logged at
 * start and published as the info metric {@code kafka_steps_step_info{step_id,step_name,step_version} 1}.
 */
public final class StepInfo {

    private static final Logger LOG = LoggerFactory.getLogger(StepInfo.class);

    private final String id;
    private final String name;
    private final String version;
    private final String comments;
    private boolean published;

    public StepInfo(String id, String name, String version, String comments) {
        this.id = id;
        this.name = name;
        this.version = version;
        this.comments = comments;
    }

    /** Logs the metadata and publishes the info metric, once. */
    public synchronized void publish(CamelContext context) {
        if (published) {
            return;
        }
        published = true;
        LOG.info("step {} ({}) version {}{}", id, name, version, comments == null || comments.isBlank() ? "" : ": " + comments);
        MeterRegistry registry = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry != null) {
            Gauge.builder("kafka_steps_step_info", () -> 1).description("Step metadata")
                    .tags("step_id", id, "step_name", name, "step_version", version).register(registry);
        }
    }
}
