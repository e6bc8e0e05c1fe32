package io.kafkasteps.ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A container health check without curl: {@code java -cp kafka-steps.jar io.kafkasteps.ops.HealthProbe [URL]}
 * exits 0 when the URL answers 200, else 1. Without a URL it asks readiness on the management
 * port the application uses ({@code CAMEL_MANAGEMENT_PORT}, default 9876), so the image's
 * HEALTHCHECK follows a changed port.
 */
public final class HealthProbe {

    private HealthProbe() {
    }

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : readiness(System.getenv());
        try {
            HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(4)).build(), HttpResponse.BodyHandlers.discarding());
            System.exit(r.statusCode() == 200 ? 0 : 1);
        } catch (Exception e) {
            System.exit(1);
        }
    }

    public static String readiness(Map<String, String> env) {
        String port = env.getOrDefault("CAMEL_MANAGEMENT_PORT", "").trim();
        return "http://127.0.0.1:" + (port.isEmpty() ? "9876" : port) + "/observe/health/ready";
    }
}
