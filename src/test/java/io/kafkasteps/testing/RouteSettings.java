package io.kafkasteps.testing;

import java.util.HashMap;
import java.util.Map;

/** The settings of a route as the tests start it, by key, to add to. */
public final class RouteSettings {

    private RouteSettings() {
    }

    /** A splitter on one broker: {@code $.events[*]} split, keyed by {@code $.id}. */
    public static Map<String, String> splitter(String bootstrap, String source, String sink, String group) {
        Map<String, String> s = new HashMap<>();
        s.put("splitter.brokers", bootstrap);
        s.put("splitter.source.topic", source);
        s.put("splitter.sink.topic", sink);
        s.put("splitter.group.id", group);
        s.put("splitter.batch.path", "$.events[*]");
        s.put("splitter.key.path", "$.id");
        return s;
    }

    /** The reflector copying a fixed list of topics from one cluster to another (or to a topic of its own, on one). */
    public static Map<String, String> reflector(String sourceServers, String sinkServers, String topics, String group) {
        Map<String, String> s = new HashMap<>();
        s.put("reflector.consumer.server", sourceServers);
        s.put("reflector.producer.server", sinkServers);
        s.put("reflector.consumer.group.id", group);
        s.put("reflector.consumer.topics", topics);
        return s;
    }
}
