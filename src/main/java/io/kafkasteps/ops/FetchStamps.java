package io.kafkasteps.ops;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.WeakHashMap;

import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Headers;

/**
 * When each polled record was fetched, for exactly-once: camel's batching consumer holds a poll's
 * records until the next poll has returned, so records fetched before a rewind of the consumer
 * (the route's own seek back to the committed offsets after an aborted transaction) or before an
 * eager rebalance (which resets every position to the committed offset) still reach the route
 * afterwards, and copying them would copy again what is read again. Each record is stamped, on the
 * consumer's thread inside poll ({@link PolledOffsets}), with the rewinds so far and the group
 * generation it was fetched in, and the route drops a record whose stamp is not the current one.
 * (An eager rebalance, Kafka's default assignor here, resets every position to the committed
 * offset; a cooperative one would keep them, so exactly-once refuses cooperative assignors.) Records are
 * known by their {@link Headers} object, which camel hands on as {@code kafka.HEADERS}.
 *
 * <p>Why Java and a registry by consumer: the interceptor is made by Kafka inside the consumer's
 * constructor, and the route's steps reach the consumer only through the record's manual commit.
 */
public final class FetchStamps {

    /** The client property that carries the stamps to the consumer's interceptor. */
    static final String KEY = "kafka.steps.fetch.stamps";
    private static final Map<Consumer<?, ?>, FetchStamps> BY_CONSUMER = Collections.synchronizedMap(new WeakHashMap<>());

    private final Map<Headers, long[]> stamps = Collections.synchronizedMap(new IdentityHashMap<>());
    private volatile long rewinds;
    private volatile Consumer<?, ?> consumer;

    /** The stamps of the records this consumer fetched; null for a consumer made elsewhere. */
    public static FetchStamps of(Consumer<?, ?> consumer) {
        return consumer == null ? null : BY_CONSUMER.get(consumer);
    }

    void madeFor(Consumer<?, ?> consumer) {
        this.consumer = consumer;
        BY_CONSUMER.put(consumer, this);
    }

    /** On the consumer's thread, at the end of a poll that returned records: each is stamped with the rewinds so far and the group generation. */
    void fetched(ConsumerRecords<?, ?> records) {
        long[] stamp = {rewinds, generation()};
        for (ConsumerRecord<?, ?> r : records) {
            stamps.put(r.headers(), stamp);
        }
    }

    /** The consumer was set back: every record fetched until now is read again. */
    public void rewound() {
        rewinds++;
    }

    /**
     * Whether a record handed to the route was fetched since the last rewind and in the group
     * generation of now (an eager rebalance reset its partition's position: it is fetched again);
     * else it is read again. Forgets its stamp. On the consumer's thread (the route's first steps).
     */
    public boolean current(Message m) {
        Object headers = m.getHeader(KafkaConstants.HEADERS);
        long[] stamp = headers == null ? null : stamps.remove(headers);
        return stamp == null || stamp[0] == rewinds && stamp[1] == generation();
    }

    private long generation() {
        Consumer<?, ?> c = consumer;
        try {
            return c == null ? -1 : c.groupMetadata().generationId();
        } catch (RuntimeException noGroup) {
            return -1;
        }
    }
}
