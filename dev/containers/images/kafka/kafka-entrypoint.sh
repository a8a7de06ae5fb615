#!/bin/bash
# Starts a KRaft broker from KAFKA_* environment variables, following the official image's convention: the prefix is
# dropped, the rest lower-cased, "___" becomes "-", "__" becomes "_" and "_" becomes "." (KAFKA_NODE_ID -> node.id).
set -euo pipefail
props=/var/lib/kafka/server.properties
: >"$props"
skip=" KAFKA_HEAP_OPTS KAFKA_JVM_PERFORMANCE_OPTS KAFKA_OPTS KAFKA_LOG4J_OPTS "
while IFS= read -r var; do
  case "$skip" in *" $var "*) continue ;; esac
  key="${var#KAFKA_}"
  key="${key,,}"
  key="${key//___/-}"
  key="${key//__/$'\x01'}"
  key="${key//_/.}"
  key="${key//$'\x01'/_}"
  printf '%s=%s\n' "$key" "${!var}" >>"$props"
done < <(compgen -e | grep '^KAFKA_' || true)
grep -q '^log\.dirs=' "$props" || echo "log.dirs=/var/lib/kafka/data" >>"$props"

java_opts=(${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties ${KAFKA_OPTS:-})
log_dir=$(sed -n 's/^log\.dirs=//p' "$props" | cut -d, -f1)
if [ ! -f "$log_dir/meta.properties" ]; then
  # A new cluster id unless one is given: 16 random bytes, URL-safe base64, not starting with "-".
  cluster_id="${CLUSTER_ID:-}"
  while [ -z "$cluster_id" ] || [ "${cluster_id:0:1}" = "-" ]; do
    cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  done
  # Static voters (controller.quorum.voters): format without --standalone.
  java -Xmx128m -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties -cp '/opt/kafka/libs/*' \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$props"
fi
exec java "${java_opts[@]}" -cp '/opt/kafka/libs/*' kafka.Kafka "$props"
