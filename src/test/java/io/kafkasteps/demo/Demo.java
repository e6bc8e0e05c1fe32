package io.kafkasteps.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.kafkasteps.KafkaSteps;
import io.kafkasteps.Settings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code mvn -B -Pdemo}: the whole thing on one machine, in one JVM, with nothing installed but
 * Java and Maven. Starts a real single-node KRaft broker (127.0.0.1:9092, or free ports when
 * taken), creates the demo topics, runs BOTH production routes from {@code routes/} through
 * {@link KafkaSteps} with {@code application.properties} (the same settings path as {@code java -jar}),
 * feeds the splitter a steady trickle of alert batches (one bad record now and then, for the
 * dead-letter path) and the reflector two daily topics, and prints what arrives on the broker.
 * Live reload is on: save a file under {@code routes/} and that file's routes reload in about a
 * second, broker and JVM untouched. Ctrl-C stops it all cleanly.
 *
 * <p>The reflector runs against the same broker as the splitter: source and sink are one cluster,
 * so {@code PRODUCER_TOPIC=demo.reflected} collects the copies (without it each record would be
 * copied onto its own source topic). Test scope only: not in the production jar or image.
 */
public final class Demo {

    static final String BATCHES = "demo.batches";
    static final String EVENTS = "demo.events";
    static final String DEAD_LETTERS = "demo.events.dlq";
    static final String REFLECTED = "demo.reflected";
    static final String DAILY_FORMAT = "ztf_%s_programid1";

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        quietLogs();
        // The demo's own lines go straight to standard output: Maven's console wrapper (jansi) is not
        // safe for two threads at once and threw in the shutdown hook (NumberFormatException "0m").
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, java.nio.charset.StandardCharsets.UTF_8);
        Path base = Path.of(System.getProperty("demo.basedir", ".")).toAbsolutePath().normalize();
        int port = Integer.getInteger("demo.port", 9092);
        long feedEveryMs = Long.getLong("demo.batch.interval.ms", 1000);

        DemoBroker broker = DemoBroker.start(port, out);
        String bootstrap = broker.bootstrapServers();
        out.printf("demo: Kafka broker (KRaft, in this JVM) at %s after %.1fs; point your own tools at it, e.g."
                + " kafka-console-consumer.sh --bootstrap-server %s --topic %s --property print.key=true%n",
                bootstrap, seconds(t0), bootstrap, EVENTS);

        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        List<String> daily = List.of(daily(today.minusDays(1)), daily(today));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : List.of(BATCHES, EVENTS, DEAD_LETTERS, REFLECTED)) {
                topics.add(new NewTopic(t, 1, (short) 1));
            }
            daily.forEach(t -> topics.add(new NewTopic(t, 1, (short) 1)));
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
        out.printf("demo: topics %s -> batch-to-stream -> %s (bad input -> %s); %s -> reflector -> %s%n",
                BATCHES, EVENTS, DEAD_LETTERS, daily, REFLECTED);

        Settings settings = Settings.load(base.resolve("application.properties"), System.getenv(), Map.of())
                .withCommandLine(settings(bootstrap));
        List<String> problems = new ArrayList<>();
        io.kafkasteps.KnownRoutes.ALL.forEach(r -> problems.addAll(r.problems().apply(settings)));
        if (!problems.isEmpty()) {
            problems.forEach(p -> out.println("demo: " + p));
            broker.close();
            System.exit(2);
        }

        ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "demo-feeder"));
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all",
                "linger.ms", 0), new ByteArraySerializer(), new ByteArraySerializer());
        Watcher watcher = new Watcher(bootstrap, out, t0);
        KafkaSteps app = new KafkaSteps(List.of("batch-to-stream", "reflector"), base.resolve("routes"), settings);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("demo: stopping (routes, then the broker)");
            feeder.shutdownNow();
            try {
                app.stop();
            } catch (RuntimeException e) {
                out.println("demo: stopping the routes: " + e);
            }
            watcher.close();
            producer.close(Duration.ofSeconds(5));
            broker.close();
            out.println("demo: stopped");
            stopped.countDown();
        }, "demo-shutdown"));

        Feed feed = new Feed(producer, daily);
        feeder.scheduleAtFixedRate(feed::tick, 0, feedEveryMs, TimeUnit.MILLISECONDS);
        watcher.start();
        app.start();
        out.printf("demo: routes batch-to-stream and reflector running from %s (live reload on: edit a file there and"
                + " its routes reload); feeding one batch every %d ms; Ctrl-C stops%n", base.resolve("routes"), feedEveryMs);
        stopped.await();
    }

    /** Shorter log lines than the tests' (slf4j-simple reads these once, at its first logger). */
    private static void quietLogs() {
        Map<String, String> levels = new LinkedHashMap<>();
        levels.put("org.slf4j.simpleLogger.showThreadName", "false");
        levels.put("org.slf4j.simpleLogger.showShortLogName", "true");
        levels.put("org.slf4j.simpleLogger.log.org.apache.camel.main.BaseMainSupport", "warn");
        levels.put("org.slf4j.simpleLogger.log.org.quartz", "warn");
        levels.put("org.slf4j.simpleLogger.log.org.apache.camel.component.quartz", "warn");
        levels.put("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        levels.put("org.slf4j.simpleLogger.log.kafka", "error");
        levels.forEach((k, v) -> {
            if (System.getProperty(k) == null) {
                System.setProperty(k, v);
            }
        });
    }

    /** The demo's settings: what you would set in the environment against a real cluster. */
    static Map<String, String> settings(String bootstrap) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("splitter.brokers", bootstrap);
        s.put("splitter.source.topic", BATCHES);
        s.put("splitter.sink.topic", EVENTS);
        s.put("splitter.batch.path", "$.events[*]");
        s.put("splitter.key.path", "$.id");
        s.put("splitter.group.id", "demo-splitter");
        s.put("splitter.progress.interval.ms", "5000");
        s.put("reflector.consumer.server", bootstrap);
        s.put("reflector.consumer.group.id", "demo-reflector");
        s.put("reflector.topic.strategy.format", DAILY_FORMAT);
        s.put("reflector.consume.timeout", "1");
        s.put("reflector.producer.server", bootstrap);
        s.put("reflector.producer.topic", REFLECTED);
        s.put("reflector.progress.interval.ms", "5000");
        s.put("camel.main.routes-reload-enabled", "true");
        // Health and metrics on the usual port, or a free one when it is taken.
        s.put("camel.management.port", String.valueOf(DemoBroker.free(9876) ? 9876 : DemoBroker.freePort()));
        return s;
    }

    static String daily(LocalDate date) {
        return String.format(DAILY_FORMAT, date.format(DateTimeFormatter.BASIC_ISO_DATE));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** JVM start to now, in seconds: what `mvn -Pdemo` costs before the demo's own clock starts. */
    static double secondsSinceJvmStart() {
        return (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
    }

    /** One alert batch per tick for the splitter, one alert per tick for the reflector's daily topics. */
    static final class Feed {
        private final KafkaProducer<byte[], byte[]> producer;
        private final List<String> daily;
        private long n;

        Feed(KafkaProducer<byte[], byte[]> producer, List<String> daily) {
            this.producer = producer;
            this.daily = daily;
        }

        void tick() {
            try {
                n++;
                if (n % 15 == 5) {
                    // A bad record: truncated JSON. It goes to the dead-letter topic with the reason.
                    producer.send(new ProducerRecord<>(BATCHES, "broken".getBytes(UTF_8), "{\"alert_id\":\"ZTF26broken\",\"events\":[{\"id\":".getBytes(UTF_8)));
                } else {
                    producer.send(new ProducerRecord<>(BATCHES, ("alert-" + n).getBytes(UTF_8), batch(n).getBytes(UTF_8)));
                }
                String topic = daily.get((int) (n % daily.size()));
                RecordHeaders headers = new RecordHeaders();
                headers.add("schema", "ztf-alert-v4".getBytes(UTF_8));
                producer.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(), ("ZTF26r" + n).getBytes(UTF_8),
                        ("{\"objectId\":\"ZTF26r" + n + "\",\"candid\":" + (2_900_000_000_000L + n) + "}").getBytes(UTF_8), headers));
                producer.flush();
            } catch (RuntimeException e) {
                System.out.println("demo: feeding failed: " + e);
            }
        }

        /** An alert-like batch: an object id and a nested array of events, each with its own id. */
        static String batch(long n) {
            int count = 2 + (int) (n % 4);
            StringBuilder events = new StringBuilder();
            for (int i = 1; i <= count; i++) {
                if (i > 1) {
                    events.append(',');
                }
                events.append(String.format(java.util.Locale.ROOT,
                        "{\"id\":\"ZTF26a%05d-%d\",\"mjd\":%.5f,\"fid\":%d,\"magpsf\":%.3f,\"sigmapsf\":%.3f}",
                        n, i, 61000.0 + n * 0.0001 + i * 0.00001, 1 + i % 2, 17.5 + (n * 7 + i) % 30 / 10.0, 0.05 + i / 100.0));
            }
            return String.format(java.util.Locale.ROOT, "{\"alert_id\":\"ZTF26a%05d\",\"ra\":%.6f,\"dec\":%.6f,\"events\":[%s]}",
                    n, 150.0 + n * 0.001, 2.2 + n * 0.0005, events);
        }
    }
}
