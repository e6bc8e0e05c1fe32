package io.kafkasteps.bench;

import java.util.ArrayList;
import java.util.List;

/** The two routes of kafka-steps the harness measures, each with its peers and the broker of its sink. */
enum Route {
    SPLITTER("splitter", "batch-to-stream", Brokers.A, Peers.HAND_LOOP, Peers.STREAMS, List.of(Peers.EXACTLY_ONCE)),
    REFLECTOR("reflector", "reflector", Brokers.B, Peers.RAW_LOOP, Peers.MIRROR_MAKER, List.of(Peers.EXACTLY_ONCE));

    /** Its name in the figures, topics and logs. */
    final String key;
    /** Its name on the command line of bin/kafka-steps. */
    final String app;
    final String sinkBrokers;
    /** The hand-written loop doing the same. */
    final String handPeer;
    /** The framework doing the same. */
    final String frameworkPeer;
    /** kafka-steps in its other delivery guarantees, each measured next to its default (at-least-once). */
    final List<String> deliveryPeers;

    Route(String key, String app, String sinkBrokers, String handPeer, String frameworkPeer, List<String> deliveryPeers) {
        this.key = key;
        this.app = app;
        this.sinkBrokers = sinkBrokers;
        this.handPeer = handPeer;
        this.frameworkPeer = frameworkPeer;
        this.deliveryPeers = deliveryPeers;
    }

    /** kafka-steps (the default) and its other delivery guarantees, then {@code others}. */
    List<String> kafkaStepsThen(List<String> others) {
        List<String> l = new ArrayList<>();
        l.add(Peers.KAFKA_STEPS);
        l.addAll(deliveryPeers);
        l.addAll(others);
        return l;
    }
}
