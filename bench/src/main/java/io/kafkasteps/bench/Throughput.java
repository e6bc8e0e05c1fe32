package io.kafkasteps.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import io.kafkasteps.bench.Results.Run;

/**
 * Measures one run of one peer on its sink. The sink topic is created with
 * message.timestamp.type=LogAppendTime, so each record carries the instant the sink broker
 * appended it. The sink's end offsets are polled every 100 ms; once they reach the expected count
 * and did not move since the poll before, the sink is read (read_committed) and its records
 * counted, until all expected records are there (or the peer exited, or the cap passed). End
 * offsets alone over-count an exactly-once sink: every transaction's commit marker takes an offset
 * in each partition it wrote; a non-transactional sink has as many records as its end offsets say.
 * Only the sink topic is read: the exactly-once reflector's offsets topic on the same cluster (its
 * transactions write there too) is not counted.
 * From the append times of the records read: rate = records / (last append - first append); the
 * same over the first 95% of each partition's records, and how long the last 5% took. Start-up =
 * first append - the instant the process was launched. RSS = the highest VmRSS sampled every
 * 100 ms, or VmHWM at the end if higher.
 */
record Throughput(Duration cap, Brokers brokers, Processes processes, Results results) {

    /** Creates {@code sink}, starts the peer, measures, stops the peer and deletes {@code sink}. */
    Run measure(String peer, Supplier<Process> start, String sinkBrokers, String sink, long expected, double bytesPerRecord, String logName)
            throws Exception {
        brokers.createTopic(sinkBrokers, sink, true);
        List<TopicPartition> tps = Brokers.partitions(sink);
        long launched = System.currentTimeMillis();
        Process p = start.get();
        RssSampler rss = new RssSampler(p);
        boolean capped = false;
        boolean exited = false;
        try (KafkaConsumer<byte[], byte[]> c = Brokers.reader(sinkBrokers, 10000)) {
            SinkRecords read = new SinkRecords(c, tps);
            Map<TopicPartition, Long> before = Map.of();
            while (true) {
                Thread.sleep(100);
                rss.sample();
                Map<TopicPartition, Long> ends = c.endOffsets(tps);
                if (sum(ends) >= expected && ends.equals(before) && read.upTo(ends) >= expected) {
                    break;
                }
                before = ends;
                if (!p.isAlive()) {
                    exited = true;
                    break;
                }
                if (System.currentTimeMillis() - launched > cap.toMillis()) {
                    capped = true;
                    break;
                }
            }
            long rssMax = rss.peakWithHighWaterMarkKb();
            results.loads.add(Machine.loadAverage().split(" ")[0]);
            processes.stop(p);
            long total = read.upTo(c.endOffsets(tps));
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            long t95 = Long.MIN_VALUE;
            long n95 = 0;
            for (TopicPartition tp : tps) {
                long[] times = read.appendTimes(tp);
                if (times.length == 0) {
                    continue;
                }
                first = Math.min(first, times[0]);
                last = Math.max(last, times[times.length - 1]);
                int i95 = Math.max(0, (int) Math.floor(times.length * 0.95) - 1);
                t95 = Math.max(t95, times[i95]);
                n95 += i95 + 1;
            }
            brokers.deleteTopic(sinkBrokers, sink);
            String failure = exited ? peer + " exited with " + p.exitValue() + " after " + total + " records (see " + logName + ".log)" : null;
            if (failure != null) {
                results.notes.add(failure);
            }
            if (total == 0) {
                Log.line("%-14s %s: nothing delivered%s", peer, sink, failure == null ? "" : " (" + failure + ")");
                return new Run(peer, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, rssMax, capped, Double.NaN, Double.NaN);
            }
            double seconds = Math.max(1, last - first) / 1000.0;
            double rate = total / seconds;
            double rate95 = n95 / (Math.max(1, t95 - first) / 1000.0);
            Run run = new Run(peer, total, seconds, rate, rate * bytesPerRecord / 1e6, (first - launched) / 1000.0, rssMax, capped,
                    rate95, (last - t95) / 1000.0);
            Log.line("%-14s %s: %d records in %.2f s = %.0f/s (%.1f MB/s; first 95%%: %.0f/s, last 5%% took %.2f s), first record %.1f s after launch, RSS %d MB%s",
                    peer, sink, total, seconds, rate, run.mbPerSec(), rate95, run.tailSec(), run.firstRecordSec(), rssMax / 1024,
                    capped ? " (CAPPED at " + cap.toSeconds() + " s)" : "");
            return run;
        } finally {
            if (p.isAlive()) {
                processes.stop(p);
            }
        }
    }

    private static long sum(Map<TopicPartition, Long> ends) {
        return ends.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The records of a sink read so far, from its start, and the broker's append time of each, per partition. Each read goes
     * on from where the one before stopped.
     */
    private final class SinkRecords {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> tps;
        private final Map<TopicPartition, long[]> times = new HashMap<>();
        private final Map<TopicPartition, Integer> counts = new HashMap<>();

        SinkRecords(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> tps) {
            this.consumer = consumer;
            this.tps = tps;
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            for (TopicPartition tp : tps) {
                times.put(tp, new long[1024]);
                counts.put(tp, 0);
            }
        }

        /**
         * Reads on until the position of every partition is at its offset in {@code ends} (control records are skipped, the
         * position moves past them) and returns how many records were read in all. Stops after 60 s without progress, with a note.
         */
        long upTo(Map<TopicPartition, Long> ends) {
            long deadline = System.currentTimeMillis() + 60000;
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.currentTimeMillis() > deadline) {
                    results.notes.add("the read of " + tps.get(0).topic() + " stopped short of its end offsets " + ends + ": counted " + total());
                    break;
                }
                int n = 0;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    add(new TopicPartition(r.topic(), r.partition()), r.timestamp());
                    n++;
                }
                if (n > 0) {
                    deadline = System.currentTimeMillis() + 60000;
                }
            }
            return total();
        }

        private void add(TopicPartition tp, long timestamp) {
            int n = counts.get(tp);
            long[] a = times.get(tp);
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
                times.put(tp, a);
            }
            a[n] = timestamp;
            counts.put(tp, n + 1);
        }

        long total() {
            return counts.values().stream().mapToLong(Integer::longValue).sum();
        }

        /** The append times of the records of {@code tp} read, in offset order. */
        long[] appendTimes(TopicPartition tp) {
            return Arrays.copyOf(times.get(tp), counts.get(tp));
        }
    }
}
