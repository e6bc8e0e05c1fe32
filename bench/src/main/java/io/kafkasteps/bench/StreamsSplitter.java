package io.kafkasteps.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The Kafka Streams peer of the splitter: the same flatMap (every event of $.events, keyed by $.id,
 * headers kept by Streams itself) with processing.guarantee=at_least_once, one stream thread, and
 * the same producer settings as the application.
 *
 * <p>args: brokers sourceTopic sinkTopic applicationId stateDir
 */
public final class StreamsSplitter {

    public static void main(String[] args) throws Exception {
        String brokers = args[0], source = args[1], sink = args[2], appId = args[3], stateDir = args[4];
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        p.put(StreamsConfig.consumerPrefix("max.poll.records"), Settings.SPLITTER_MAX_POLL_RECORDS);
        for (Map.Entry<String, Object> e : Settings.splitterProducerTuning().entrySet()) {
            p.put(StreamsConfig.producerPrefix(e.getKey()), e.getValue());
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(source, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .flatMap((k, v) -> {
                    try {
                        JsonNode events = HandSplitter.MAPPER.readTree(v).get("events");
                        List<KeyValue<String, byte[]>> out = new ArrayList<>(events.size());
                        for (JsonNode event : events) {
                            JsonNode id = event.get("id");
                            String key = id == null || id.isNull() ? null : id.isTextual() ? id.textValue() : HandSplitter.MAPPER.writeValueAsString(id);
                            out.add(KeyValue.pair(key, HandSplitter.MAPPER.writeValueAsBytes(event)));
                        }
                        return out;
                    } catch (java.io.IOException e) {
                        throw new RuntimeException(e);
                    }
                })
                .to(sink, Produced.with(Serdes.String(), Serdes.ByteArray()));
        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            done.countDown();
        }));
        streams.start();
        done.await();
    }
}
