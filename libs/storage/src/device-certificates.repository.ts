import type { SqlClient } from './sql-client';

export interface DeviceCertificateRow {
  deviceId: string;
  /** SHA-256 of the DER certificate, lower-case hex without colons. */
  fingerprint: string;
  registeredAt: Date;
}

/**
 * The one client certificate a device may log in with, by its fingerprint. Registering again replaces it, so the
 * old certificate stops opening connections; revoking deletes it.
 */
export class DeviceCertificatesRepository {
  constructor(private readonly sql: SqlClient) {}

  /** False when there is no such device. */
  async register(deviceId: string, fingerprint: string, at: Date): Promise<boolean> {
    const rows = await this.sql.query(
      `INSERT INTO device_certificates (device_id, fingerprint, registered_at)
       SELECT id, $2, $3 FROM devices WHERE id = $1
       ON CONFLICT (device_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, registered_at = EXCLUDED.registered_at
       RETURNING device_id`,
      [deviceId, fingerprint, at],
    );
    return rows.length > 0;
  }

  /** The certificate that was registered, or null when there was none. */
  async revoke(deviceId: string): Promise<DeviceCertificateRow | null> {
    const rows = await this.sql.query<{ device_id: string; fingerprint: string; registered_at: Date }>(
      `DELETE FROM device_certificates WHERE device_id = $1 RETURNING device_id, fingerprint, registered_at`,
      [deviceId],
    );
    return rows[0] ? { deviceId: rows[0].device_id, fingerprint: rows[0].fingerprint, registeredAt: rows[0].registered_at } : null;
  }

  async find(deviceId: string): Promise<DeviceCertificateRow | null> {
    const rows = await this.sql.query<{ device_id: string; fingerprint: string; registered_at: Date }>(
      `SELECT device_id, fingerprint, registered_at FROM device_certificates WHERE device_id = $1`,
      [deviceId],
    );
    return rows[0] ? { deviceId: rows[0].device_id, fingerprint: rows[0].fingerprint, registeredAt: rows[0].registered_at } : null;
  }
}
