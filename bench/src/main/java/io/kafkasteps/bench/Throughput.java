package io.kafkasteps.bench;

import java.time.Duration;
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
 * appended it. The sink's end offsets are polled every 100 ms until all expected records are there
 * (or the peer exited, or the cap passed), then the first and the last record of every partition
 * are read: rate = records / (last append - first append); the same over the first 95% of each
 * partition, and how long the last 5% took. Start-up = first append - the instant the process was
 * launched. RSS = the highest VmRSS sampled every 100 ms, or VmHWM at the end if higher.
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
        long total = 0;
        String failure = null;
        try (KafkaConsumer<byte[], byte[]> c = Brokers.reader(sinkBrokers, 1)) {
            while (true) {
                Thread.sleep(100);
                rss.sample();
                total = sum(c.endOffsets(tps));
                if (total >= expected) {
                    break;
                }
                if (!p.isAlive()) {
                    failure = peer + " exited with " + p.exitValue() + " after " + total + " records (see " + logName + ".log)";
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
            Map<TopicPartition, Long> ends = c.endOffsets(tps);
            total = sum(ends);
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            long t95 = Long.MIN_VALUE;
            long n95 = 0;
            for (TopicPartition tp : tps) {
                long end = ends.get(tp);
                if (end == 0) {
                    continue;
                }
                first = Math.min(first, timestampAt(c, tp, 0));
                last = Math.max(last, timestampAt(c, tp, end - 1));
                long o95 = Math.max(0, (long) Math.floor(end * 0.95) - 1);
                t95 = Math.max(t95, timestampAt(c, tp, o95));
                n95 += o95 + 1;
            }
            brokers.deleteTopic(sinkBrokers, sink);
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

    /** The timestamp of the record at {@code offset}. */
    private static long timestampAt(KafkaConsumer<byte[], byte[]> c, TopicPartition tp, long offset) {
        c.assign(List.of(tp));
        c.seek(tp, offset);
        long deadline = System.currentTimeMillis() + 10000;
        while (System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                return r.timestamp();
            }
        }
        throw new IllegalStateException("no record at " + tp + "@" + offset);
    }
}
