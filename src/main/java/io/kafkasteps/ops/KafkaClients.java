package io.kafkasteps.ops;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;

/**
 * camel-kafka's client factory, remembering the clients it made, for jobs no route option
 * can do (hence Java):
 * <ul>
 * <li>{@link PollRetry} gets the consumer of its thread, with the first offsets its polls returned
 * ({@link PolledOffsets}): camel creates a route's consumer on the thread that polls it and hands a
 * failed poll to the strategy on that thread, without the consumer. The consumer is camel's own,
 * unwrapped (camel's consumer health check reads fields of the real {@code KafkaConsumer}).</li>
 * <li>Readiness and the lag gauges read the metrics of the newest consumer of a client.id itself,
 * not over JMX: a renewed consumer has its predecessor's client.id, so their JMX beans share a name,
 * and the old one closing after the new one started unregisters the new one's beans (Kafka's
 * JmxReporter unregisters by name).</li>
 * <li>{@link SendsAtStop} closes the producers at once when a stop has waited long enough for their
 * sends: camel-kafka closes its producer without a bound.</li>
 * <li>In exactly-once mode the producers it makes share one transaction
 * ({@link io.kafkasteps.splitter.PollTransaction}).</li>
 * </ul>
 */
public class KafkaClients extends DefaultKafkaClientFactory {

    /** A consumer and the first offset each of its partitions was polled at. */
    public record Made(Consumer<?, ?> consumer, Map<TopicPartition, Long> firstPolled) {
    }

    private final Map<Thread, Made> made = new ConcurrentHashMap<>();
    private final Map<String, Consumer<?, ?>> newest = new ConcurrentHashMap<>();
    private final Map<String, Producer<?, ?>> producers = new ConcurrentHashMap<>();

    private io.kafkasteps.splitter.PollTransaction transaction;

    /** Exactly-once: the producers made are views onto the poll's transactional producer. */
    public void setTransaction(io.kafkasteps.splitter.PollTransaction transaction) {
        this.transaction = transaction;
    }

    @Override
    public Producer getProducer(Properties kafkaProps) {
        Producer<?, ?> producer = transaction != null && transaction.enabled() ? transaction.producerFor(kafkaProps)
                : super.getProducer(kafkaProps);
        producers.put(kafkaProps.getProperty(ProducerConfig.CLIENT_ID_CONFIG, ""), producer);
        return producer;
    }

    /**
     * Closes every producer made (the newest of each client.id) without waiting: sends the sink has
     * not acknowledged fail at once, so what waited on them goes on, uncommitted.
     */
    public void closeProducersNow() {
        producers.values().forEach(p -> p.close(java.time.Duration.ZERO));
    }

    @Override
    public Consumer getConsumer(Properties kafkaProps) {
        Properties props = new Properties();
        props.putAll(kafkaProps);
        Map<TopicPartition, Long> firstPolled = new ConcurrentHashMap<>();
        String interceptors = props.getProperty(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, "").trim();
        props.put(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG,
                (interceptors.isEmpty() ? "" : interceptors + ",") + PolledOffsets.class.getName());
        props.put(PolledOffsets.SEEN, firstPolled);
        FetchStamps stamps = new FetchStamps();
        props.put(FetchStamps.KEY, stamps);
        Consumer<?, ?> consumer = super.getConsumer(props);
        stamps.madeFor(consumer);
        made.put(Thread.currentThread(), new Made(consumer, firstPolled));
        newest.put(props.getProperty(ConsumerConfig.CLIENT_ID_CONFIG, ""), consumer);
        return consumer;
    }

    /** The metrics of the consumer made last with this client.id; empty if none was made. */
    public Map<MetricName, ? extends Metric> metricsOf(String clientId) {
        Consumer<?, ?> consumer = newest.get(clientId);
        return consumer == null ? Map.of() : consumer.metrics();
    }

    /** What the calling thread made last, or null. */
    public Made ofThisThread() {
        made.keySet().removeIf(t -> !t.isAlive());
        return made.get(Thread.currentThread());
    }
}
