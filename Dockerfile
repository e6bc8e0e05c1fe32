# kafka-steps: build with Maven, run on a JRE as a non-root user.
#
#   docker build -t kafka-steps .
#   docker run --rm -e SPLITTER_BROKERS=kafka:9092 -e SPLITTER_SOURCE_TOPIC=batches \
#     -e SPLITTER_SINK_TOPIC=events -e SPLITTER_BATCH_PATH='$.events[*]' kafka-steps batch-to-stream
#
# Routes and properties live in /app/routes and /app/application.properties: mount your own over
# them to change the routes without rebuilding.

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
COPY routes ./routes
COPY application.properties ./application.properties
USER 10001
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/kafka-steps.jar"]
CMD ["batch-to-stream"]
