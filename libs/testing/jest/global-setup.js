// Integration and end-to-end tests talk to a real Kafka broker: start the
// local one (deploy/kafka/kafka.sh, idempotent) unless KAFKA_BROKERS names
// another. PostgreSQL and Mosquitto are the machine's own services.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  if (process.env.ZONE_TEST_UNIT_ONLY === '1' || process.env.KAFKA_BROKERS) return;
  execFileSync('bash', [join(__dirname, '../../../deploy/kafka/kafka.sh'), 'start'], { stdio: 'inherit' });
};
