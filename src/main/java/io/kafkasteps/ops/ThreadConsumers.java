package io.kafkasteps.ops;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * camel-kafka's client factory, remembering the Kafka consumer each consumer thread made, with
 * the first offsets its polls returned ({@link PolledOffsets}): camel creates a route's consumer
 * on the thread that polls it, and hands a failed poll to {@link PollRetry} on that same thread,
 * without the consumer. The consumer itself is camel's own, unwrapped (camel's consumer health
 * check reads fields of the real {@code KafkaConsumer}). Java because no route option gives the
 * poll-failure strategy its consumer.
 */
public class ThreadConsumers extends DefaultKafkaClientFactory {

    /** A consumer and the first offset each of its partitions was polled at. */
    public record Made(Consumer<?, ?> consumer, Map<TopicPartition, Long> firstPolled) {
    }

    private final Map<Thread, Made> made = new ConcurrentHashMap<>();

    @Override
    public Consumer getConsumer(Properties kafkaProps) {
        Properties props = new Properties();
        props.putAll(kafkaProps);
        Map<TopicPartition, Long> firstPolled = new ConcurrentHashMap<>();
        String interceptors = props.getProperty(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, "").trim();
        props.put(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG,
                (interceptors.isEmpty() ? "" : interceptors + ",") + PolledOffsets.class.getName());
        props.put(PolledOffsets.SEEN, firstPolled);
        Consumer<?, ?> consumer = super.getConsumer(props);
        made.put(Thread.currentThread(), new Made(consumer, firstPolled));
        return consumer;
    }

    /** What the calling thread made last, or null. */
    public Made ofThisThread() {
        made.keySet().removeIf(t -> !t.isAlive());
        return made.get(Thread.currentThread());
    }
}
