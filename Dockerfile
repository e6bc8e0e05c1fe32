# kafka-steps: build with Maven, run on a JRE as a non-root user. No build tools and no embedded
# broker in the image.
#
#   docker build -t kafka-steps .
#   docker run --rm -p 9876:9876 -e SPLITTER_BROKERS=kafka:9092 -e SPLITTER_SOURCE_TOPIC=batches \
#     -e SPLITTER_SINK_TOPIC=events -e SPLITTER_BATCH_PATH='$.events[*]' kafka-steps batch-to-stream
#
# Routes and properties live in /app/routes and /app/application.properties: mount your own over
# them (or a directory with both over /app/config and set KAFKA_STEPS_CONFIG and
# KAFKA_STEPS_ROUTES_DIR) to change the routes without rebuilding.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY src ./src
COPY application.properties .
RUN mvn -B -ntp -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home /app kafkasteps
WORKDIR /app
COPY --from=build /build/target/lib ./lib
COPY --from=build /build/target/kafka-steps.jar ./kafka-steps.jar
COPY bin/kafka-steps ./bin/kafka-steps
COPY routes ./routes
COPY application.properties ./application.properties
# Class-data sharing: a 5 s training run against no broker writes the classes both routes load to
# /app/kafka-steps.jsa, which bin/kafka-steps maps at every start (about 1 s less, BENCHMARKS.md).
RUN /app/bin/kafka-steps --make-class-archive
USER 10001
# Management port: /observe/health/live, /observe/health/ready, /observe/metrics. The health
# check asks readiness on CAMEL_MANAGEMENT_PORT (default 9876).
EXPOSE 9876
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["java", "-cp", "/app/kafka-steps.jar", "io.kafkasteps.ops.HealthProbe"]
# JVM options: bin/kafka-steps (add your own with -e JAVA_OPTS=...).
ENTRYPOINT ["/app/bin/kafka-steps"]
CMD ["batch-to-stream"]
