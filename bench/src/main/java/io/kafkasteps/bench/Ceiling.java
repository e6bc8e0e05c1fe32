package io.kafkasteps.bench;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kafkasteps.bench.Results.Run;

/**
 * The ceiling: Kafka's own ProducerPerformance (with the splitter's producer settings for the event
 * size, the reflector's for the others) and then ConsumerPerformance on the same topic of broker A,
 * for every record size the routes are measured at.
 */
record Ceiling(Options options, Brokers brokers, Processes processes, Results results) {

    /** The record sizes, each with its record count: the splitter's events, then the reflector's records. */
    static Map<Integer, Long> records(Options o) {
        Map<Integer, Long> m = new LinkedHashMap<>();
        m.put(Inputs.EVENT_BYTES, o.splitterEvents());
        m.putAll(o.reflectorRecords());
        return m;
    }

    void run() throws Exception {
        for (int r = 1; r <= options.runs(); r++) {
            for (Map.Entry<Integer, Long> e : records(options).entrySet()) {
                int size = e.getKey();
                long n = e.getValue();
                Map<String, Object> tuning = size == Inputs.EVENT_BYTES ? Settings.splitterProducerTuning() : Settings.reflectorProducerTuning();
                String topic = "ceiling-" + size + "-r" + r + "-" + brokers.nextSeq();
                brokers.createTopic(Brokers.A, topic, false);
                Log.line("ceiling: ProducerPerformance %d x %d B (run %d)", n, size, r);
                List<String> tool = new ArrayList<>(List.of("--topic", topic, "--num-records", "" + n,
                        "--record-size", "" + size, "--throughput", "-1", "--producer-props", "bootstrap.servers=" + Brokers.A));
                tuning.forEach((k, v) -> tool.add(k + "=" + v));
                String out = runTool("ProducerPerformance-" + size + "-r" + r, "org.apache.kafka.tools.ProducerPerformance", tool);
                Matcher m = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec.*?([\\d.]+) ms avg latency, ([\\d.]+) ms max latency")
                        .matcher(lastMatchingLine(out, "records sent"));
                if (m.find()) {
                    double rps = Double.parseDouble(m.group(2));
                    results.add("ceiling.producer." + size, new Run("ProducerPerformance", n, n / rps, rps, rps * size / 1e6, Double.NaN, 0, false));
                }
                Log.line("ceiling: ConsumerPerformance %d x %d B (run %d)", n, size, r);
                String cout = runTool("ConsumerPerformance-" + size + "-r" + r, "org.apache.kafka.tools.ConsumerPerformance", List.of(
                        "--bootstrap-server", Brokers.A, "--topic", topic, "--messages", "" + n, "--timeout", "60000", "--group", "perf-" + topic));
                // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
                // rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
                for (String line : cout.split("\n")) {
                    String[] f = line.split(",\\s*");
                    if (f.length >= 10 && f[4].trim().matches("\\d+")) {
                        long cnt = Long.parseLong(f[4].trim());
                        double rps = Double.parseDouble(f[5].trim());
                        results.add("ceiling.consumer." + size, new Run("ConsumerPerformance", cnt, cnt / rps, rps, rps * size / 1e6, Double.NaN, 0, false));
                    }
                }
                brokers.deleteTopic(Brokers.A, topic);
            }
        }
    }

    /** Runs a tool to its end (at most twice the cap) and returns its output. */
    private String runTool(String name, String main, List<String> args) throws Exception {
        Process p = processes.launch(name, processes.java("warn", main, args.toArray(String[]::new)), Map.of());
        if (!processes.await(p, options.cap().toSeconds() * 2)) {
            results.notes.add(name + " did not finish in time");
        }
        return Files.readString(processes.log(name));
    }

    private static String lastMatchingLine(String text, String needle) {
        String last = "";
        for (String line : text.split("\n")) {
            if (line.contains(needle)) {
                last = line;
            }
        }
        return last;
    }
}
