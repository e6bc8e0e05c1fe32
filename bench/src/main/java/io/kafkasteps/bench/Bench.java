package io.kafkasteps.bench;

/**
 * The benchmark orchestrator (issue 7), which bench/run starts once the two brokers are up: runs
 * the parts --only selects (Kafka's own tools, the splitter and the reflector comparisons, the
 * latency), every peer as its own JVM against the real brokers, and writes BENCHMARKS.md and
 * docs/benchmarks.png. Every child process is stopped on exit, also on Ctrl-C or an error.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Log.start();
        Results results = new Results();
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench/run: " + e.getMessage());   // a user's mistake: one line, no stack trace
            System.exit(2);
            return;
        }
        Processes processes = new Processes(options);
        Runtime.getRuntime().addShutdownHook(new Thread(processes::killAll));
        Brokers brokers = new Brokers();
        try {
            brokers.awaitUp(Brokers.A);
            brokers.awaitUp(Brokers.B);
            processes.writeLog4j();
            Peers peers = new Peers(options, processes);
            Comparisons comparisons = new Comparisons(options, brokers, peers, new Throughput(options.cap(), brokers, processes, results), results);
            if (options.only().contains("ceiling")) {
                new Ceiling(options, brokers, processes, results).run();
            }
            if (options.only().contains("splitter")) {
                comparisons.splitter();
            }
            if (options.only().contains("reflector")) {
                comparisons.reflector();
            }
            if (options.only().contains("latency")) {
                new LatencyDriver(options, brokers, peers, processes, results).run();
            }
            Report.write(options, results);
        } finally {
            processes.killAll();
            brokers.close();
        }
    }
}
