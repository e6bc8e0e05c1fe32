package io.kafkasteps;

import java.util.LinkedHashMap;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Any Kafka client property of one connection, passed through by prefix, as MirrorMakerConfig
 * does with its cluster prefixes: {@code splitter.kafka.client.rack=eu-west-1a} reaches the
 * splitter's clients as {@code client.rack}. The map is the connection's
 * {@code additionalProperties}: filled, once Camel gives it its context, from every property that
 * starts with the prefix. Java because a route file can name each property only one by one.
 */
public class ClientPassThrough extends LinkedHashMap<String, Object> implements CamelContextAware {

    /** Client properties the routes set themselves: their guarantees depend on them. */
    static final Set<String> ROUTES_OWN = Set.of("bootstrap.servers", "group.id", "client.id", "enable.auto.commit",
            "auto.offset.reset", "key.deserializer", "value.deserializer", "key.serializer", "value.serializer", "acks",
            "enable.idempotence", "transactional.id", "isolation.level");

    private final String prefix;
    private transient CamelContext context;

    /** @param prefix the connection's prefix, ending with a dot: {@code splitter.kafka.} */
    public ClientPassThrough(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
        context.getPropertiesComponent().extractProperties(prefix, true)
                .forEach((k, v) -> put(k.toString(), context.resolvePropertyPlaceholders(v.toString()).trim()));
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    /**
     * Start-up checks of the properties given under a prefix: each must be a Kafka client property,
     * and none of those the routes set themselves.
     */
    public static void check(Checks c, String prefix) {
        Set<String> known = new TreeSet<>(ConsumerConfig.configNames());
        known.addAll(ProducerConfig.configNames());
        known.addAll(AdminClientConfig.configNames());
        for (String key : c.keysUnder(prefix)) {
            String property = key.substring(prefix.length());
            if (ROUTES_OWN.contains(property)) {
                c.problem(key, "is set by the route itself: its delivery guarantee depends on it");
            } else if (!known.contains(property)) {
                c.problem(key, "names no Kafka client property ('" + property + "'; see the consumer, producer and admin configs)");
            }
        }
    }
}
