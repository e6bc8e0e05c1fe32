#!/bin/sh
# kafka-run-class.sh CLASS [ARGS]: a class of the image's Kafka on its classpath, logging warnings to
# stderr (the tools' log configuration). KAFKA_HEAP_OPTS and KAFKA_OPTS as in Kafka's own script.
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 ${KAFKA_OPTS:-} \
  -Dlog4j.configuration=file:/opt/kafka/config/tools-log4j.properties -cp '/opt/kafka/libs/*' "$@"
