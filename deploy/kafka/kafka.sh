#!/usr/bin/env bash
# A local single-node Apache Kafka broker in KRaft mode on 127.0.0.1:9092, from
# jars Maven fetches on first use.  Usage: kafka.sh start|stop|status
#
# With KAFKA_SASL_SSL_PORT set, the broker also listens there with SASL_SSL
# (SCRAM-SHA-256 and SCRAM-SHA-512): KAFKA_SSL_KEYSTORE is its PKCS#12
# keystore (password KAFKA_SSL_KEYSTORE_PASSWORD), KAFKA_SCRAM_USERS the users
# ("name=password name2=password2") added when the storage is formatted. Give
# such a broker its own KAFKA_STATE_DIR, KAFKA_PORT and KAFKA_CONTROLLER_PORT
# (and the same ones to stop it) so it runs beside the default one.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
STATE="${KAFKA_STATE_DIR:-$ROOT/.kafka}"
LIBS="$HERE/target/libs"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
PIDFILE="$STATE/kafka.pid"
SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-}"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

fetch() {
  if [ ! -f "$LIBS/.complete" ]; then
    echo "kafka: fetching broker jars with Maven (first use)"
    mvn -q -f "$HERE/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIBS" -DincludeScope=runtime
    touch "$LIBS/.complete"
  fi
}

configure() {
  mkdir -p "$STATE/data"
  local listeners="PLAINTEXT://127.0.0.1:$PORT" advertised="PLAINTEXT://127.0.0.1:$PORT"
  if [ -n "$SASL_SSL_PORT" ]; then
    # Advertised as localhost: the name the test certificates are for.
    listeners="$listeners,SASL_SSL://127.0.0.1:$SASL_SSL_PORT"
    advertised="$advertised,SASL_SSL://localhost:$SASL_SSL_PORT"
  fi
  cat > "$STATE/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=$listeners,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=$advertised
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL
inter.broker.listener.name=PLAINTEXT
log.dirs=$STATE/data
num.partitions=4
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
PROPS
  if [ -n "$SASL_SSL_PORT" ]; then
    : "${KAFKA_SSL_KEYSTORE:?KAFKA_SSL_KEYSTORE (a PKCS#12 file) is needed with KAFKA_SASL_SSL_PORT}"
    : "${KAFKA_SSL_KEYSTORE_PASSWORD:?KAFKA_SSL_KEYSTORE_PASSWORD is needed with KAFKA_SASL_SSL_PORT}"
    cat >> "$STATE/server.properties" <<PROPS
sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.ssl.keystore.type=PKCS12
listener.name.sasl_ssl.ssl.keystore.location=$KAFKA_SSL_KEYSTORE
listener.name.sasl_ssl.ssl.keystore.password=$KAFKA_SSL_KEYSTORE_PASSWORD
PROPS
  fi
  cat > "$STATE/log4j.properties" <<PROPS
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$STATE/kafka.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
PROPS
}

java_run() {
  java -Xms256m -Xmx1g -Dlog4j.configuration="file:$STATE/log4j.properties" -cp "$LIBS/*" "$@"
}

start() {
  if listening; then echo "kafka: already listening on 127.0.0.1:$PORT"; return 0; fi
  fetch
  configure
  if [ ! -f "$STATE/data/meta.properties" ]; then
    local scram=() user
    for user in ${KAFKA_SCRAM_USERS:-}; do
      scram+=(--add-scram "SCRAM-SHA-256=[name=${user%%=*},password=${user#*=}]" --add-scram "SCRAM-SHA-512=[name=${user%%=*},password=${user#*=}]")
    done
    java_run kafka.tools.StorageTool format -t "$(java_run kafka.tools.StorageTool random-uuid)" -c "$STATE/server.properties" "${scram[@]}" >/dev/null
  fi
  nohup java -Xms256m -Xmx1g -Dlog4j.configuration="file:$STATE/log4j.properties" -cp "$LIBS/*" kafka.Kafka "$STATE/server.properties" \
    > "$STATE/stdout.log" 2>&1 &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 120); do
    if listening; then echo "kafka: broker up on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"; return 0; fi
    if ! running; then echo "kafka: broker exited; see $STATE/kafka.log and $STATE/stdout.log" >&2; tail -20 "$STATE/stdout.log" >&2; return 1; fi
    sleep 0.5
  done
  echo "kafka: broker did not listen within 60 s" >&2
  return 1
}

listener_pid() { ss -ltnpH "sport = :$PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }

stop() {
  # A broker started from another checkout has no pid file here: find it by its port.
  if ! running && listening; then
    local pid; pid="$(listener_pid)"
    [ -n "$pid" ] && mkdir -p "$STATE" && echo "$pid" > "$PIDFILE"
  fi
  if running; then
    kill "$(cat "$PIDFILE")"
    for _ in $(seq 1 60); do running || break; sleep 0.5; done
    running && kill -9 "$(cat "$PIDFILE")"
    echo "kafka: stopped"
  else
    echo "kafka: not running"
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if listening; then echo "kafka: up on 127.0.0.1:$PORT"; else echo "kafka: down"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
