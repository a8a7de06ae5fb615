#!/bin/bash
# The official image's tool of the same name (the compose health check calls it): asks a broker for its API versions.
exec java -Xmx64m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties \
  -cp '/opt/kafka/libs/*' org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
