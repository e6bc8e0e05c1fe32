package io.kafkasteps.splitter;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once only, once before the route starts: refuses a sink or dead-letter topic whose
 * {@code max.message.bytes} is below {@code splitter.producer.max.request.size}. At least once,
 * a record such a topic refuses is dead-lettered (or written without its value) and the poll goes
 * on; in a transaction the refusal fails the whole transaction, and Kafka reports it for the other
 * records of that transaction too, so the refused record could not be told from the rest. With the
 * topics' limit at or above the producer's, the producer's own check ({@link SinkRecordLimit})
 * catches every record too large before it is sent. A topic that does not exist yet, or a cluster
 * that does not answer, is no reason not to start: the route waits for it as always.
 */
public final class TransactionLimits {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionLimits.class);

    private TransactionLimits() {
    }

    /** @throws IllegalStateException one line naming the topic, its limit and the setting */
    public static void check(Map<String, Object> clientConfig, int maxRequestSize, Duration timeout, String... topics) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(config)) {
            for (String topic : topics) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                Config described;
                try {
                    described = admin.describeConfigs(List.of(resource)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        continue;   // created later (or by the first send): the broker's default applies then
                    }
                    throw e;
                }
                var entry = described.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (entry != null && entry.value() != null && Integer.parseInt(entry.value()) < maxRequestSize) {
                    throw new IllegalStateException("splitter.producer.max.request.size (" + maxRequestSize + ") is above the max.message.bytes ("
                            + entry.value() + ") of topic '" + topic + "': with splitter.delivery=exactly-once lower it to " + entry.value()
                            + " or raise the topic's");
                }
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("batch-to-stream: could not read the max.message.bytes of {} ({}); starting without that check", List.of(topics), e.toString());
        }
    }
}
