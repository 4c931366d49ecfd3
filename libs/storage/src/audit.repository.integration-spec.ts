import { AuditEntry, AuditRepository } from './audit.repository';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const OPERATOR = { tokenId: 'env:OPERATOR_TOKEN', name: 'operator', role: 'operator' };
const CHIEF = { tokenId: 't-chief', name: 'station chief', role: 'substation' };

function entry(n: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: new Date(T0 + n * 1000),
    actor: OPERATOR,
    action: 'token.issue',
    entity: 'token',
    entityId: `t-${n}`,
    before: null,
    after: { id: `t-${n}`, name: `holder ${n}`, tags: ['a', 'b'] },
    correlationId: `c-${n}`,
    ...over,
  };
}

describe.each(STORAGE_BACKENDS)('AuditRepository on $name', (backend) => {
  let db: TestDatabase;
  let sut: AuditRepository;

  beforeAll(async () => {
    db = await backend.open();
    sut = new AuditRepository(db.sql);
    await sut.append(entry(1));
    await sut.append(
      entry(2, { actor: CHIEF, action: 'incident.acknowledge', entity: 'incident', entityId: 'i-1', before: { status: 'open' } }),
    );
    await sut.append(entry(3, { action: 'token.revoke', entityId: 't-1', before: { revokedAt: null }, after: { revokedAt: 'x' } }));
    await sut.append(entry(4, { actor: CHIEF, action: 'incident.arrive', entity: 'incident', entityId: 'i-1', after: 'a string' }));
  });

  afterAll(() => db.dispose());

  it('appends records and gives them back newest first, JSON before and after as they were', async () => {
    const all = await sut.list({ limit: 10 });
    expect(all.map((r) => r.correlationId)).toEqual(['c-4', 'c-3', 'c-2', 'c-1']);
    expect(all[3]).toEqual({ id: expect.any(Number), ...entry(1) });
    expect(all[0].after).toBe('a string');
    expect(all[2].before).toEqual({ status: 'open' });
  });

  it('filters by entity, entity id, actor and time, and pages by offset or by (at, id)', async () => {
    const ids = async (q: Parameters<AuditRepository['list']>[0]) => (await sut.list(q)).map((r) => r.correlationId);
    expect(await ids({ limit: 10, entity: 'incident' })).toEqual(['c-4', 'c-2']);
    expect(await ids({ limit: 10, entity: 'token', entityId: 't-1' })).toEqual(['c-3', 'c-1']);
    expect(await ids({ limit: 10, actor: 't-chief' })).toEqual(['c-4', 'c-2']);
    expect(await ids({ limit: 10, from: new Date(T0 + 2000), to: new Date(T0 + 4000) })).toEqual(['c-3', 'c-2']);
    expect(await ids({ limit: 2, offset: 1 })).toEqual(['c-3', 'c-2']);
    const [first, second] = await sut.list({ limit: 2 });
    expect(first.correlationId).toBe('c-4');
    expect(await ids({ limit: 10, after: { at: second.at, id: second.id } })).toEqual(['c-2', 'c-1']);
  });

  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    await expect(db.sql.query(`UPDATE audit_log SET actor_name = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(db.sql.query(`DELETE FROM audit_log WHERE correlation_id = 'c-1'`)).rejects.toThrow(/append-only/);
    await expect(db.sql.exec(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    expect(await sut.list({ limit: 10 })).toHaveLength(4);
  });

  it('appends inside the transaction of the write it records, and not at all when that write fails', async () => {
    await expect(
      db.sql.transaction(async (tx) => {
        await sut.append(entry(9, { correlationId: 'c-rolled-back' }), tx);
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    expect((await sut.list({ limit: 10 })).map((r) => r.correlationId)).not.toContain('c-rolled-back');
  });
});
