package io.kafkasteps.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.kafkasteps.bench.Results.Latency;
import io.kafkasteps.bench.Results.Run;

/**
 * End-to-end latency at about half of kafka-steps' measured maximum. For each route, kafka-steps,
 * kafka-steps in the route's other delivery guarantees (exactly-once) and then its
 * hand-written peer at the same rate, in the same run (this machine's share of the latency): a
 * producer (acks=all, linger.ms=0) writes at a fixed rate, stamping each record with its send
 * instant in a header the routes copy to their output; a reader on the sink (read_committed: an
 * exactly-once event is received once its transaction is committed) takes receive instant - send
 * instant of every record sent after the warm-up.
 */
record LatencyDriver(Options options, Brokers brokers, Peers peers, Processes processes, Results results) {

    /** The header of the send instant, microseconds since the epoch, 8 bytes big-endian. */
    private static final String SENT_HEADER = "bench.sent.us";
    /** Events per batch record of the splitter's load. */
    private static final int BATCH = 100;

    void run() throws Exception {
        double splitMax = Results.median(results.of("splitter.100." + Peers.KAFKA_STEPS), Run::perSec);
        double reflMax = Results.median(results.of("reflector.500." + Peers.KAFKA_STEPS), Run::perSec);
        if (Double.isNaN(splitMax)) {
            splitMax = 20000;
            results.notes.add("latency: no splitter throughput measured in this run; 10,000 events/s used");
        }
        if (Double.isNaN(reflMax)) {
            reflMax = 40000;
            results.notes.add("latency: no reflector throughput measured in this run; 20,000 records/s used");
        }
        int seconds = options.quick() ? 10 : 15;
        for (int r = 1; r <= options.runs(); r++) {
            for (Route route : Route.values()) {
                double rate = (route == Route.SPLITTER ? splitMax : reflMax) / 2;
                for (String peer : route.kafkaStepsThen(List.of(route.handPeer))) {
                    measure(route, peer, rate, seconds, r);
                }
            }
        }
    }

    /** Latency of one peer of a route at {@code rate} events or records a second, for {@code seconds} after the warm-up. */
    private void measure(Route route, String peer, double rate, int seconds, int r) throws Exception {
        String id = route.key + "-" + peer.replace(' ', '-') + "-r" + r + "-" + brokers.nextSeq();
        String in = "latency-in-" + id;
        String sink = "latency-out-" + id;
        brokers.createTopic(Brokers.A, in, false);
        brokers.createTopic(route.sinkBrokers, sink, true);
        Process app = peers.start(route, peer, "latency-" + id, in, sink, id);
        long warmupUs = options.quick() ? 3_000_000L : 5_000_000L;
        Log.line("latency: %s (%s) at %.0f %s/s for %d s (+%d s warm-up)", route.key, peer, rate, route == Route.SPLITTER ? "events" : "records", seconds,
                warmupUs / 1_000_000);
        SinkReader reader = new SinkReader(route.sinkBrokers, sink);
        Thread readerThread = new Thread(reader, "latency-reader");
        readerThread.start();
        RssSampler rss = new RssSampler(app);
        long sentInWindow;
        Map<String, Object> pc = new HashMap<>();
        pc.put("bootstrap.servers", Brokers.A);
        pc.put("acks", "all");
        pc.put("linger.ms", "0");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pc, new ByteArraySerializer(), new ByteArraySerializer())) {
            Random random = new Random(42);
            byte[] payload = new byte[500];
            random.nextBytes(payload);
            awaitDelivery(route, peer, producer, in, payload, reader);
            long startUs = nowMicros();
            Window window = new Window(startUs + warmupUs, startUs + warmupUs + seconds * 1_000_000L);
            reader.window = window;
            sentInWindow = load(route, producer, in, payload, rate, warmupUs + seconds * 1_000_000L, window, rss);
        }
        Thread.sleep(3000); // the tail
        reader.stop.set(true);
        readerThread.join(10000);
        processes.stop(app);
        List<Long> s = reader.sortedSamples();
        Latency l = new Latency(route.key, rate, seconds, sentInWindow, s.size(), percentile(s, 50), percentile(s, 99), percentile(s, 99.9),
                s.isEmpty() ? Double.NaN : s.get(s.size() - 1) / 1000.0, rss.peakKb());
        Log.line("latency: %s (%s) p50 %.1f ms p99 %.1f ms max %.1f ms (%d of %d received) RSS %d MB", route.key, peer, l.p50(), l.p99(), l.max(),
                l.received(), l.sent(), l.rssKb() / 1024);
        results.addLatency(route.key, peer, l);
        brokers.deleteTopic(Brokers.A, in);
        brokers.deleteTopic(route.sinkBrokers, sink);
        brokers.deleteTopic(route.sinkBrokers, Peers.offsetsTopic(route, peer, id));
    }

    /** Start-up: probes until the route delivers (at most 60 s), so the timed load does not queue behind the start. */
    private void awaitDelivery(Route route, String peer, KafkaProducer<byte[], byte[]> producer, String in, byte[] payload, SinkReader reader)
            throws InterruptedException {
        long launched = System.currentTimeMillis();
        long probes = 0;
        while (!reader.anyReceived.get()) {
            if (System.currentTimeMillis() - launched > 60000) {
                results.notes.add("latency " + route.key + " (" + peer + "): nothing delivered within 60 s of the start");
                break;
            }
            RecordHeaders ph = new RecordHeaders();
            ph.add(SENT_HEADER, longToBytes(0));
            producer.send(new ProducerRecord<>(in, null, (byte[]) null, route == Route.SPLITTER ? Inputs.batchJson(-1 - probes, 1, 0) : payload, ph));
            probes++;
            Thread.sleep(250);
        }
        Log.line("latency: %s (%s) delivering %.1f s after launch", route.key, peer, (System.currentTimeMillis() - launched) / 1000.0);
    }

    /**
     * The load: for {@code durationUs}, {@code rate} events (in batch records of BATCH) or records of {@code payload} a second,
     * each stamped with its send instant; samples the peer's RSS every 200 ms. Returns how many events or records were sent
     * within the window.
     */
    private static long load(Route route, KafkaProducer<byte[], byte[]> producer, String in, byte[] payload, double rate, long durationUs,
                             Window window, RssSampler rss) throws InterruptedException {
        boolean split = route == Route.SPLITTER;
        double unitsPerSec = split ? rate / BATCH : rate;
        long startNs = System.nanoTime();
        long units = 0;
        long nextRss = 0;
        long ev = 0;
        long sentInWindow = 0;
        while (true) {
            long elapsedNs = System.nanoTime() - startNs;
            if (elapsedNs > durationUs * 1000) {
                return sentInWindow;
            }
            long due = (long) (elapsedNs / 1e9 * unitsPerSec);
            while (units < due) {
                long sent = nowMicros();
                RecordHeaders headers = new RecordHeaders();
                headers.add(SENT_HEADER, longToBytes(sent));
                byte[] value;
                byte[] key;
                if (split) {
                    value = Inputs.batchJson(units, BATCH, ev);
                    ev += BATCH;
                    key = ("batch-" + units).getBytes(StandardCharsets.UTF_8);
                } else {
                    value = payload;
                    key = ("k-" + units).getBytes(StandardCharsets.UTF_8);
                }
                producer.send(new ProducerRecord<>(in, null, key, value, headers));
                if (window.contains(sent)) {
                    sentInWindow += split ? BATCH : 1;
                }
                units++;
            }
            if (System.currentTimeMillis() > nextRss) {
                rss.sample();
                nextRss = System.currentTimeMillis() + 200;
            }
            Thread.sleep(1);
        }
    }

    /** The instants, microseconds since the epoch, of the records measured: after the warm-up, to the end of the load. */
    private record Window(long start, long end) {
        boolean contains(long us) {
            return us >= start && us < end;
        }
    }

    /** Reads the sink from its start: receive instant - send instant of every record sent within the window. */
    private static final class SinkReader implements Runnable {

        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean anyReceived = new AtomicBoolean();
        private final String brokers;
        private final String sink;
        private final List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        /** Set once the route delivers. */
        volatile Window window;

        SinkReader(String brokers, String sink) {
            this.brokers = brokers;
            this.sink = sink;
        }

        @Override
        public void run() {
            try (KafkaConsumer<byte[], byte[]> c = Brokers.reader(brokers, 500)) {
                List<TopicPartition> tps = Brokers.partitions(sink);
                c.assign(tps);
                c.seekToBeginning(tps);
                while (!stop.get()) {
                    ConsumerRecords<byte[], byte[]> recs = c.poll(Duration.ofMillis(100));
                    long now = nowMicros();
                    for (ConsumerRecord<byte[], byte[]> rec : recs) {
                        anyReceived.set(true);
                        Header h = rec.headers().lastHeader(SENT_HEADER);
                        if (h != null) {
                            long sent = ByteBuffer.wrap(h.value()).getLong();
                            Window w = window;
                            if (w != null && w.contains(sent)) {
                                samples.add(now - sent);
                            }
                        }
                    }
                }
            } catch (InterruptException e) {
                // done
            }
        }

        List<Long> sortedSamples() {
            List<Long> s;
            synchronized (samples) {
                s = new ArrayList<>(samples);
            }
            Collections.sort(s);
            return s;
        }
    }

    /** The {@code p} percentile of {@code sorted} microseconds, in milliseconds. */
    private static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1000.0;
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private static byte[] longToBytes(long v) {
        return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
    }
}
