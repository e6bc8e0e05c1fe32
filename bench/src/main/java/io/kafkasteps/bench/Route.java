package io.kafkasteps.bench;

/** The two routes of kafka-steps the harness measures, each with its peers and the broker of its sink. */
enum Route {
    SPLITTER("splitter", "batch-to-stream", Brokers.A, Peers.HAND_LOOP, Peers.STREAMS),
    REFLECTOR("reflector", "reflector", Brokers.B, Peers.RAW_LOOP, Peers.MIRROR_MAKER);

    /** Its name in the figures, topics and logs. */
    final String key;
    /** Its name on the command line of bin/kafka-steps. */
    final String app;
    final String sinkBrokers;
    /** The hand-written loop doing the same. */
    final String handPeer;
    /** The framework doing the same. */
    final String frameworkPeer;

    Route(String key, String app, String sinkBrokers, String handPeer, String frameworkPeer) {
        this.key = key;
        this.app = app;
        this.sinkBrokers = sinkBrokers;
        this.handPeer = handPeer;
        this.frameworkPeer = frameworkPeer;
    }
}
