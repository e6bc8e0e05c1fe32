package io.kafkasteps.bench;

import java.util.Map;

import io.kafkasteps.bench.Results.Run;

/**
 * The throughput comparisons of each route's peers: per input (the splitter's per batch size,
 * broker A to A; the reflector's per record size, A to B), one backlog written beforehand, then
 * every peer in turn, each repeat a fresh process, consumer group and sink topic (and, for the
 * exactly-once reflector, offsets topic on the sink cluster, deleted after the run as the sink is).
 */
record Comparisons(Options options, Brokers brokers, Peers peers, Throughput throughput, Results results) {

    /** kafka-steps batch-to-stream (at-least-once, exactly-once) vs the hand loop vs Kafka Streams. */
    void splitter() throws Exception {
        long events = options.splitterEvents();
        double bytesPerRecord = Inputs.EVENT_BYTES + Inputs.EVENT_KEY_BYTES;
        for (int batch : Inputs.BATCH_SIZES) {
            String in = "splitter-in-" + batch + "-" + brokers.nextSeq();
            brokers.createTopic(Brokers.A, in, false);
            Inputs.batches(in, events, batch);
            Log.line("splitter: %d events in batches of %d on %s (%.0f B per event record)", events, batch, in, bytesPerRecord);
            compare(Route.SPLITTER, batch, "b" + batch, in, events, bytesPerRecord);
            brokers.deleteTopic(Brokers.A, in);
        }
    }

    /** kafka-steps reflector (at-least-once, exactly-once) vs the raw loop vs MirrorMaker 2. */
    void reflector() throws Exception {
        for (Map.Entry<Integer, Long> e : options.reflectorRecords().entrySet()) {
            int size = e.getKey();
            long n = e.getValue();
            String in = "reflector-in-" + size + "-" + brokers.nextSeq();
            brokers.createTopic(Brokers.A, in, false);
            Inputs.raw(in, n, size);
            Log.line("reflector: %d records of %d B on %s", n, size, in);
            compare(Route.REFLECTOR, size, "s" + size, in, n, size + Inputs.RAW_KEY_BYTES);
            brokers.deleteTopic(Brokers.A, in);
        }
    }

    /** Every repeat of every peer of {@code route} on the backlog {@code in}, as figure ROUTE.SIZE.PEER. */
    private void compare(Route route, int size, String idPrefix, String in, long expected, double bytesPerRecord) throws Exception {
        for (int r = 1; r <= options.runs(); r++) {
            for (String peer : options.peers(route)) {
                String id = idPrefix + "-r" + r + "-" + brokers.nextSeq();
                String sink = peer.equals(Peers.MIRROR_MAKER) ? in : route.key + "-out-" + id;
                String logName = route.key + "-" + peer.replace(' ', '_') + "-" + id;
                Run run = throughput.measure(peer, () -> peers.start(route, peer, logName, in, sink, id), route.sinkBrokers, sink, expected,
                        bytesPerRecord, logName);
                results.add(route.key + "." + size + "." + peer, run);
                brokers.deleteTopic(route.sinkBrokers, Peers.offsetsTopic(route, peer, id));
            }
        }
    }
}
