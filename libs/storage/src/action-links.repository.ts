import { randomBytes } from 'node:crypto';
import type { SqlClient } from './sql-client';
import { toDate, type Instant } from './sql-values';

const SECRET_NAME = 'action-link-key';

export interface ActionLinkUse {
  linkId: string;
  incidentId: string;
  action: string;
  contactId: string;
}

/** The key that signs action links and the record of links used. */
export class ActionLinksRepository {
  private secret: Promise<string> | null = null;

  constructor(private readonly sql: SqlClient) {}

  /** The zone's link key: made by whichever process asks first, the same for all after that. */
  signingKey(): Promise<string> {
    this.secret ??= this.loadOrCreateKey().catch((e: Error) => {
      this.secret = null;
      throw e;
    });
    return this.secret;
  }

  /** Marks a link used; false when it was used before (a replay, or a second tap). */
  async markUsed(use: ActionLinkUse, at: Instant): Promise<boolean> {
    const rows = await this.sql.query<{ link_id: string }>(
      `INSERT INTO action_link_uses (link_id, incident_id, action, contact_id, used_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (link_id) DO NOTHING RETURNING link_id`,
      [use.linkId, use.incidentId, use.action, use.contactId, toDate(at)],
    );
    return rows.length === 1;
  }

  /** Gives a link back when the action it was used for was refused, so it can be used once it can succeed. */
  async release(linkId: string): Promise<void> {
    await this.sql.query('DELETE FROM action_link_uses WHERE link_id = $1', [linkId]);
  }

  async wasUsed(linkId: string): Promise<boolean> {
    const rows = await this.sql.query<{ link_id: string }>('SELECT link_id FROM action_link_uses WHERE link_id = $1', [linkId]);
    return rows.length === 1;
  }

  /** A contact who may act from a link: still in the register, not retired, on a substation's roll. */
  async substationContact(id: string): Promise<{ id: string; name: string; substationId: string } | null> {
    // SELECT *: a register without contact status (before it could be retired) reads as all active.
    const rows = await this.sql.query<{ id: string; name: string; substation_id: string | null; status?: string }>(
      'SELECT * FROM contacts WHERE id = $1',
      [id],
    );
    const row = rows[0];
    if (!row || (row.status !== undefined && row.status !== 'active') || row.substation_id === null) return null;
    return { id: row.id, name: row.name, substationId: row.substation_id };
  }

  private async loadOrCreateKey(): Promise<string> {
    await this.sql.query(`INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [
      SECRET_NAME,
      randomBytes(32).toString('base64url'),
    ]);
    const rows = await this.sql.query<{ value: string }>('SELECT value FROM app_secrets WHERE name = $1', [SECRET_NAME]);
    return rows[0].value;
  }
}
