#!/usr/bin/env bash
# The certificates and passwords deploy/docker-compose.yml mounts as secrets,
# made once into deploy/tls/secrets/ (git-ignored): a private CA, a server
# certificate per service (by its compose host name), the Kafka keystore, and
# random passwords. Usage: deploy/tls/make-secrets.sh   (again: keeps what exists;
# ZONE_SECRETS_DIR puts them elsewhere)
set -euo pipefail
OUT="${ZONE_SECRETS_DIR:-$(cd "$(dirname "$0")" && pwd)/secrets}"
mkdir -p "$OUT" && chmod 700 "$OUT" && cd "$OUT"

# No trailing newline: Kafka and Mosquitto take a password file as it is.
random() { openssl rand -hex 24 | tr -d "\n"; }
keep() { [ -s "$1" ]; }

keep ca.pem || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 -sha256 \
  -keyout ca.key -out ca.pem -subj "/CN=zone-safety deployment CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null

server_certificate() { # name: the compose service, which is also the host name the apps verify
  keep "$1.pem" && return
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s\n' "$1" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 -sha256 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
server_certificate mosquitto
server_certificate kafka
server_certificate timescaledb

for secret in postgres-password kafka-password kafka-keystore-password mqtt-password operator-token; do
  keep "$secret" || random > "$secret"
done
keep kafka.p12 || openssl pkcs12 -export -in kafka.pem -inkey kafka.key -certfile ca.pem -name kafka \
  -passout "pass:$(cat kafka-keystore-password)" -out kafka.p12
keep database-url || printf 'postgres://postgres:%s@timescaledb:5432/zone?sslmode=verify-full' "$(cat postgres-password)" > database-url

# Mosquitto's password file: ingest's login (devices get theirs from the command center, README "Device credentials").
if ! keep mosquitto-passwords; then
  if command -v mosquitto_passwd > /dev/null; then
    mosquitto_passwd -b -c mosquitto-passwords ingest "$(cat mqtt-password)"
  else
    docker run --rm -v "$OUT:/s" eclipse-mosquitto:2 mosquitto_passwd -b -c /s/mosquitto-passwords ingest "$(cat mqtt-password)"
  fi
fi
# The containers run as other users than the one running this script: the files are mounted read-only.
chmod 644 ./*
echo "secrets in $OUT"
