import { SseRecorder, waitFor } from '@app/testing';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';
import { inspectionSchemas as schemas } from '@app/command-center';

const HOUR = 3_600_000;
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 7)]);
const png = (name = 'lane.png') => ({ name, contentType: 'image/png', dataBase64: PNG.toString('base64') });

describe('inspections: a hazard found, rectified by the enterprise, re-inspected, and the grade that follows it', () => {
  const sut = new AllInOneHarness(AllInOneModule);
  const stream = new SseRecorder();
  let inspector: string;
  let ownerToken: string;
  let enterpriseId: string;
  let otherId: string;
  let hazardId: string;
  let otherHazardId: string;
  let firstDeadline: string;

  const post = (path: string, body: unknown, token?: string) =>
    sut.api(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), token });
  const enterprise = async (id: string) => (await sut.api(`/api/enterprises/${id}`)).body;

  beforeAll(async () => {
    await sut.start();
    await stream.open(`${sut.baseUrl}/api/stream`, { authorization: `Bearer ${TOKEN}` });
    const blue = (await sut.api('/api/enterprises?grade=blue&limit=2')).body.items;
    [enterpriseId, otherId] = [blue[0].id, blue[1].id];
    inspector = (await post('/api/tokens', { role: 'inspector', name: 'Zhang Wei' })).body.token;
    const issued = await post('/api/tokens', { role: 'enterprise', name: 'Li Na', enterpriseId });
    expect(issued.body).toMatchObject({ role: 'enterprise', enterpriseId });
    ownerToken = issued.body.token;
    const other = await post('/api/inspections', { enterpriseId: otherId, findings: [{ kind: 'extinguisher-missing' }] }, inspector);
    otherHazardId = other.body.hazards[0].id;
  });

  afterAll(async () => {
    await stream.close();
    await sut.dispose();
  });

  it('serves the hazard kinds', async () => {
    const { body } = await sut.api('/api/hazard-kinds', { token: ownerToken });
    expect(schemas.hazardKind.array().safeParse(body).error).toBeUndefined();
    expect(body).toEqual(
      expect.arrayContaining([
        { kind: 'fire-lane-blocked', name: 'blocked fire lane', nameZh: expect.any(String), defaultSeverity: 'orange' },
      ]),
    );
  });

  it('records a blocked fire lane: an orange hazard with its deadline, and the enterprise graded orange naming it', async () => {
    const before = Date.now();
    const recorded = await post(
      '/api/inspections',
      { enterpriseId, note: 'routine visit', findings: [{ kind: 'fire-lane-blocked', note: 'pallets in the lane', evidence: [png()] }] },
      inspector,
    );
    expect(recorded.status).toBe(201);
    expect(schemas.recordedInspection.safeParse(recorded.body).error).toBeUndefined();
    const [hazard] = recorded.body.hazards;
    expect(hazard).toMatchObject({
      enterpriseId,
      kind: 'fire-lane-blocked',
      kindName: 'blocked fire lane',
      severity: 'orange',
      status: 'open',
      overdue: false,
    });
    expect(Date.parse(hazard.deadline) - Date.parse(hazard.openedAt)).toBe(72 * HOUR);
    expect(Date.parse(hazard.openedAt)).toBeGreaterThanOrEqual(before - 1000);
    hazardId = hazard.id;
    firstDeadline = hazard.deadline;

    const e = await enterprise(enterpriseId);
    expect(e.grade).toBe('orange');
    expect(e.why.reasons[0]).toBe(`inspection hazard: blocked fire lane (orange, due ${firstDeadline.slice(0, 10)})`);
    const event = await waitFor(
      async () => stream.ofType('grade.changed').find((g) => g.data.enterpriseId === enterpriseId),
      3000,
      'grade.changed on the live stream',
    );
    expect(event.data).toMatchObject({ from: 'blue', to: 'orange', cause: 'hazards' });
  });

  it('opens no incident for it: a hazard found by an inspection is rectified, not turned out to', async () => {
    expect((await sut.api(`/api/incidents?enterpriseId=${enterpriseId}`)).body).toEqual([]);
  });

  it('takes the rectification from the enterprise with a PNG photo, which the enterprise can fetch back', async () => {
    const rectified = await post(
      `/api/hazards/${hazardId}/rectify`,
      { note: 'pallets moved to the store', evidence: [png('cleared.png')] },
      ownerToken,
    );
    expect(rectified.status).toBe(200);
    expect(rectified.body).toMatchObject({ status: 'rectified', rectifiedBy: 'Li Na', rectifiedNote: 'pallets moved to the store' });
    expect((await enterprise(enterpriseId)).grade).toBe('orange');

    const detail = (await sut.api(`/api/hazards/${hazardId}`, { token: ownerToken })).body;
    expect(schemas.hazardDetail.safeParse(detail).error).toBeUndefined();
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual(['opened', 'rectified']);
    expect(detail.evidence.map((e: { name: string; stage: string }) => [e.name, e.stage])).toEqual([
      ['lane.png', 'finding'],
      ['cleared.png', 'rectification'],
    ]);
    const res = await fetch(sut.baseUrl + detail.evidence[1].url, { headers: { authorization: `Bearer ${ownerToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('reopens on a failed re-inspection with a new deadline, and verifies on a passing one: the grade falls', async () => {
    const failed = await post(`/api/hazards/${hazardId}/verify`, { passed: false, note: 'pallets back in the lane' }, inspector);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ status: 'reopened', reopenCount: 1 });
    expect(Date.parse(failed.body.deadline)).toBeGreaterThan(Date.parse(firstDeadline));
    expect((await enterprise(enterpriseId)).why.reasons[0]).toMatch(/^inspection hazard: blocked fire lane \(orange, due .*, reopened\)$/);

    expect((await post(`/api/hazards/${hazardId}/rectify`, { note: 'lane marked and kept clear' }, ownerToken)).status).toBe(200);
    const passed = await post(`/api/hazards/${hazardId}/verify`, { passed: true }, inspector);
    expect(passed.body).toMatchObject({ status: 'verified', verifiedBy: 'Zhang Wei' });

    const e = await enterprise(enterpriseId);
    expect(e.grade).toBe('blue');
    expect(e.why.reasons.join()).not.toMatch(/inspection hazard/);
    const audit = (await sut.api(`/api/audit?entity=hazard&entityId=${hazardId}`)).body.items.map((r: { action: string }) => r.action);
    expect(audit.sort()).toEqual(['hazard.rectify', 'hazard.rectify', 'hazard.verify', 'hazard.verify']);
    const inspections = (await sut.api(`/api/inspections?enterpriseId=${enterpriseId}`)).body;
    expect(schemas.inspection.array().safeParse(inspections).error).toBeUndefined();
    expect(inspections.map((i: { hazardIds: string[] }) => i.hazardIds)).toEqual([[hazardId]]);
    const hazards = (await sut.api(`/api/hazards?enterpriseId=${enterpriseId}&status=verified`)).body;
    expect(schemas.hazard.array().safeParse(hazards).error).toBeUndefined();
  });

  it('refuses bad inputs with a code and writes nothing', async () => {
    const inspections = async () => (await sut.api(`/api/inspections?enterpriseId=${otherId}`)).body.length;
    const count = await inspections();
    const unknownKind = await post(
      '/api/inspections',
      { enterpriseId: otherId, findings: [{ kind: 'extinguisher-missing' }, { kind: 'dragon' }] },
      inspector,
    );
    expect(unknownKind).toMatchObject({ status: 422, body: { code: 'UNKNOWN_HAZARD_KIND', details: [{ path: 'findings.1.kind' }] } });
    expect((await post('/api/inspections', { enterpriseId: 'E-none', findings: [{ kind: 'unsafe-wiring' }] }, inspector)).body.code).toBe(
      'UNKNOWN_ENTERPRISE',
    );
    const html = { name: 'x.png', contentType: 'image/png', dataBase64: Buffer.from('<html><script>').toString('base64') };
    const notImage = await post(
      '/api/inspections',
      { enterpriseId: otherId, findings: [{ kind: 'unsafe-wiring', evidence: [html] }] },
      inspector,
    );
    expect(notImage).toMatchObject({ status: 415, body: { code: 'EVIDENCE_TYPE_REFUSED' } });
    expect(await inspections()).toBe(count);

    expect((await post('/api/hazards/none/verify', { passed: true }, inspector)).body).toMatchObject({
      statusCode: 404,
      code: 'HAZARD_NOT_FOUND',
    });
    expect((await post(`/api/hazards/${otherHazardId}/verify`, { passed: true }, inspector)).body).toMatchObject({
      statusCode: 409,
      code: 'VERIFY_NOT_RECTIFIED',
    });
    expect((await post(`/api/hazards/${hazardId}/verify`, { passed: true }, inspector)).body).toMatchObject({
      statusCode: 409,
      code: 'ALREADY_VERIFIED',
    });
    expect((await post(`/api/hazards/${otherHazardId}/rectify`, { note: 'done' }, inspector)).status).toBe(403);
    expect((await post(`/api/hazards/${hazardId}/verify`, { passed: true }, ownerToken)).status).toBe(403);
    expect((await post('/api/inspections', { enterpriseId, findings: [{ kind: 'unsafe-wiring' }] }, ownerToken)).status).toBe(403);

    const big = {
      name: 'big.png',
      contentType: 'image/png',
      dataBase64: Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]).toString('base64'),
    };
    expect((await post(`/api/hazards/${otherHazardId}/evidence`, { evidence: [big] })).body).toMatchObject({
      statusCode: 413,
      code: 'EVIDENCE_TOO_LARGE',
    });
    const renamed = { name: 'scan.pdf', contentType: 'application/pdf', dataBase64: PNG.toString('base64') };
    expect((await post(`/api/hazards/${otherHazardId}/rectify`, { note: 'done', evidence: [renamed] })).status).toBe(415);
    const untouched = (await sut.api(`/api/hazards/${otherHazardId}`)).body;
    expect(untouched).toMatchObject({ status: 'open', evidence: [] });

    expect((await post('/api/tokens', { role: 'enterprise', name: 'x' })).status).toBe(400);
    expect((await post('/api/tokens', { role: 'enterprise', name: 'x', enterpriseId: 'E-none' })).status).toBe(400);
  });

  it("refuses the enterprise token another enterprise's data, and every route not scoped to an enterprise", async () => {
    const as = (path: string) => sut.api(path, { token: ownerToken });
    expect((await as(`/api/enterprises/${enterpriseId}`)).body).toMatchObject({ id: enterpriseId, grade: 'blue' });
    expect((await as(`/api/enterprises/${enterpriseId}/readings`)).status).toBe(200);
    const own = (await enterprise(enterpriseId)).devices[0].id;
    const others = (await enterprise(otherId)).devices[0].id;
    expect((await as(`/api/devices/${own}/readings`)).status).toBe(200);
    expect((await as('/api/hazards')).body.map((h: { enterpriseId: string }) => h.enterpriseId)).toEqual([enterpriseId]);
    expect((await as('/api/alarms')).status).toBe(200);

    for (const path of [
      `/api/enterprises/${otherId}`,
      `/api/enterprises/${otherId}/readings`,
      `/api/enterprises/${otherId}/grades`,
      `/api/devices/${others}/readings`,
      `/api/hazards?enterpriseId=${otherId}`,
      `/api/hazards/${otherHazardId}`,
      `/api/hazards/no-such-hazard`,
      `/api/alarms?enterpriseId=${otherId}`,
      `/api/inspections?enterpriseId=${otherId}`,
    ])
      expect({ path, ...(await as(path)).body }).toMatchObject({ path, statusCode: 403, code: 'OTHER_ENTERPRISE' });
    const rectifyOther = await post(`/api/hazards/${otherHazardId}/rectify`, { note: 'not mine' }, ownerToken);
    expect(rectifyOther.body).toMatchObject({ statusCode: 403, code: 'OTHER_ENTERPRISE' });
    expect((await sut.api(`/api/hazards/${otherHazardId}`)).body.status).toBe('open');

    for (const path of [
      '/api/enterprises',
      '/api/incidents',
      '/api/substations',
      '/api/devices',
      '/api/audit',
      '/api/reports/timeline-compliance',
    ])
      expect({ path, ...(await as(path)).body }).toMatchObject({ path, statusCode: 403 });
  });

  it('lets the inspector read the zone like a viewer', async () => {
    expect((await sut.api('/api/enterprises', { token: inspector })).status).toBe(200);
    expect((await sut.api(`/api/hazards?enterpriseId=${otherId}&overdue=false`, { token: inspector })).body).toHaveLength(1);
    expect((await sut.api('/api/audit', { token: inspector })).status).toBe(403);
  });
});
