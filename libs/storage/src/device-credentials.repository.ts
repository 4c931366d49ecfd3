import { hashToken } from './api-tokens.repository';
import type { SqlClient } from './sql-client';

export interface DeviceCredentialRow {
  deviceId: string;
  /** SHA-256 (hex) of the secret: secrets are random, so a fast hash is enough. */
  secretHash: string;
  issuedAt: Date;
}

/**
 * A device's MQTT secret, by the hash of the secret; the secret itself is
 * never stored. A device has at most one: issuing again replaces it.
 */
export class DeviceCredentialsRepository {
  private readonly issuedListeners = new Set<(deviceId: string) => void>();

  constructor(private readonly sql: SqlClient) {}

  /** Stores the secret's hash in place of the device's current one; false when there is no such device. */
  async issue(deviceId: string, secret: string, at: Date): Promise<boolean> {
    const rows = await this.sql.query(
      `INSERT INTO device_credentials (device_id, secret_hash, issued_at)
       SELECT id, $2, $3 FROM devices WHERE id = $1
       ON CONFLICT (device_id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, issued_at = EXCLUDED.issued_at
       RETURNING device_id`,
      [deviceId, hashToken(secret), at],
    );
    if (rows.length === 0) return false;
    for (const listener of this.issuedListeners) listener(deviceId);
    return true;
  }

  async find(deviceId: string): Promise<DeviceCredentialRow | null> {
    const rows = await this.sql.query<{ device_id: string; secret_hash: string; issued_at: Date }>(
      `SELECT device_id, secret_hash, issued_at FROM device_credentials WHERE device_id = $1`,
      [deviceId],
    );
    return rows[0] ? { deviceId: rows[0].device_id, secretHash: rows[0].secret_hash, issuedAt: rows[0].issued_at } : null;
  }

  /**
   * Called after each issue made through this instance, so a broker in the
   * same process can forget the old secret at once (other processes re-read
   * within their cache time). Returns the unsubscribe.
   */
  onIssued(listener: (deviceId: string) => void): () => void {
    this.issuedListeners.add(listener);
    return () => this.issuedListeners.delete(listener);
  }
}
