import { SseRecorder, waitFor, WebhookReceiver } from '@app/testing';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';
import { campaignSchemas, inspectionSchemas as schemas } from '@app/command-center';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
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

/**
 * Issue 18, done when: in a campaign an inspector finds a blocked fire lane at a three-in-one enterprise; its grade
 * rises and names the hazard; the deadline passes and the responsible contact (and the substation's duty contact) is
 * told by webhook; the enterprise rectifies with a photo, the re-inspection fails and reopens it, the second passes and
 * the grade falls; the report and the campaign's progress give the figures worked out below. The inspection is
 * recorded four days back, so its 72-hour deadline passed a day ago: the sweeper (every 200 ms here) finds it at once.
 */
describe('inspections: a campaign walk from the finding to the verified rectification, told to the people responsible', () => {
  const SECRET = 'inspections-e2e-webhook-secret';
  const receiver = new WebhookReceiver(SECRET);
  let sut: AllInOneHarness;
  const stream = new SseRecorder();
  const post = (path: string, body: unknown, token?: string) => sut.api(path, { method: 'POST', body: JSON.stringify(body), token });
  const overdueDeliveries = () => [...receiver.deliveries.values()].filter((d) => d.body.type === 'hazard.overdue');
  let inspector: string;
  let ownerToken: string;
  let enterpriseId: string;
  let outsiderId: string;
  let neighbourId: string;
  let substationId: string;
  let campaignId: string;
  let hazardId: string;
  let foundAt: number;

  beforeAll(async () => {
    await receiver.start();
    sut = new AllInOneHarness(AllInOneModule, {
      HAZARD_SWEEP_MS: '200',
      NOTIFY_WEBHOOK_URL: receiver.url,
      NOTIFY_WEBHOOK_SECRET: SECRET,
      NOTIFY_BACKOFF_BASE_MS: '200',
    });
    await sut.start();
    await stream.open(`${sut.baseUrl}/api/stream`, { authorization: `Bearer ${TOKEN}` });
    const blue = (await sut.api('/api/enterprises?grade=blue&limit=3')).body.items;
    [enterpriseId, neighbourId, outsiderId] = blue.map((e: { id: string }) => e.id);
    substationId = (await sut.api(`/api/enterprises/${enterpriseId}`)).body.substationId;
    const threeInOne = await sut.api(`/api/enterprises/${enterpriseId}`, {
      method: 'PATCH',
      body: JSON.stringify({
        hazards: {
          threeInOne: true,
          multiTenant: false,
          tenants: 1,
          unauthorisedStructures: false,
          fireLaneBlocked: false,
          noSprinklers: false,
        },
      }),
    });
    expect(threeInOne.status).toBe(200);
    const contacts = [
      { id: 'C-INSP-RESP', name: 'Li Na', phone: '+86 571 8800 0001', email: '', role: 'responsible', enterpriseId },
      { id: 'C-INSP-DUTY', name: 'Zhao Min', phone: '+86 571 8800 0002', email: '', role: 'duty', substationId },
    ];
    for (const c of contacts) expect((await post('/api/contacts', c)).status).toBe(201);
    inspector = (await post('/api/tokens', { role: 'inspector', name: 'Zhang Wei' })).body.token;
    ownerToken = (await post('/api/tokens', { role: 'enterprise', name: 'Li Na', enterpriseId })).body.token;
  });

  afterAll(async () => {
    await stream.close();
    await sut?.dispose();
    await receiver.stop();
  });

  it('starts a campaign over two enterprises, refusing what does not exist with a code', async () => {
    const until = new Date(Date.now() + 14 * DAY).toISOString();
    const created = await post(
      '/api/campaigns',
      { name: 'Fire lanes, winter 2026', until, enterpriseIds: [enterpriseId, neighbourId] },
      inspector,
    );
    expect(created.status).toBe(201);
    expect(campaignSchemas.campaign.safeParse(created.body).error).toBeUndefined();
    expect(created.body).toMatchObject({ createdBy: 'Zhang Wei', until, enterpriseIds: [enterpriseId, neighbourId].sort() });
    campaignId = created.body.id;
    const audit = (await sut.api(`/api/audit?entity=campaign&entityId=${campaignId}`)).body.items;
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['campaign.create']);

    expect((await post('/api/campaigns', { name: 'x', until, enterpriseIds: [enterpriseId, 'E-none'] }, inspector)).body).toMatchObject({
      statusCode: 422,
      code: 'UNKNOWN_ENTERPRISE',
      details: [{ path: 'enterpriseIds', message: 'no enterprise E-none' }],
    });
    expect((await post('/api/campaigns', { name: 'x', until, substationId: 'S-none' }, inspector)).body.code).toBe('UNKNOWN_SUBSTATION');
    expect(
      (await post('/api/campaigns', { name: 'x', until: new Date(Date.now() - 1000).toISOString(), substationId }, inspector)).body.code,
    ).toBe('UNTIL_IN_PAST');
    expect((await post('/api/campaigns', { name: 'x', until, substationId, enterpriseIds: [enterpriseId] }, inspector)).status).toBe(400);
    expect((await post('/api/campaigns', { name: 'x', until, substationId }, ownerToken)).status).toBe(403);
    // A substation's area, expanded now: every campaign enterprise is of it.
    const area = await post('/api/campaigns', { name: 'Area sweep', until, substationId }, inspector);
    expect(area.body.enterpriseIds).toContain(enterpriseId);
    expect((await sut.api('/api/campaigns')).body.map((c: { id: string }) => c.id)).toEqual([area.body.id, campaignId]);
  });

  it('records the blocked fire lane within the campaign: orange, named in the grade, already past its deadline', async () => {
    expect((await sut.api(`/api/enterprises/${enterpriseId}`)).body).toMatchObject({
      grade: 'blue',
      why: { reasons: ['three-in-one premises'] },
    });
    const finding = { kind: 'fire-lane-blocked', note: 'pallets in the lane' };
    expect((await post('/api/inspections', { enterpriseId: outsiderId, campaignId, findings: [finding] }, inspector)).body).toMatchObject({
      statusCode: 422,
      code: 'ENTERPRISE_NOT_IN_CAMPAIGN',
    });
    expect((await post('/api/inspections', { enterpriseId, campaignId: 'K-none', findings: [finding] }, inspector)).body.code).toBe(
      'UNKNOWN_CAMPAIGN',
    );

    foundAt = Date.now() - 4 * DAY;
    const recorded = await post(
      '/api/inspections',
      { enterpriseId, campaignId, at: new Date(foundAt).toISOString(), findings: [finding] },
      inspector,
    );
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({
      campaignId,
      hazards: [{ severity: 'orange', status: 'open', overdue: true, responsibleContactId: 'C-INSP-RESP' }],
    });
    hazardId = recorded.body.hazards[0].id;
    expect(Date.parse(recorded.body.hazards[0].deadline)).toBe(foundAt + 72 * HOUR);
    const e = (await sut.api(`/api/enterprises/${enterpriseId}`)).body;
    expect(e.grade).toBe('orange');
    expect(e.why.reasons).toEqual([
      `inspection hazard: blocked fire lane (orange, due ${new Date(foundAt + 72 * HOUR).toISOString().slice(0, 10)})`,
      'three-in-one premises',
    ]);
    const overdue = (await sut.api(`/api/hazards?substationId=${substationId}&overdue=true`)).body;
    expect(overdue.map((h: { id: string }) => h.id)).toEqual([hazardId]);
  });

  it('tells the responsible contact and the substation’s duty contact that it is overdue, signed, and the live stream', async () => {
    const told = await waitFor(
      async () => {
        const recipients = overdueDeliveries().map((d) => d.body.recipient?.contactId ?? d.body.recipient?.name);
        return ['C-INSP-DUTY', 'C-INSP-RESP', 'command-center'].every((r) => recipients.includes(r)) && overdueDeliveries();
      },
      10_000,
      'hazard.overdue delivered to its recipients',
    );
    expect(receiver.badSignatures).toEqual([]);
    const toResponsible = told.find((d) => d.body.recipient?.contactId === 'C-INSP-RESP')!;
    expect(Object.keys(toResponsible.body).sort()).toEqual(['at', 'hazard', 'id', 'recipient', 'type']);
    expect(toResponsible.body).toMatchObject({
      id: toResponsible.deliveryId,
      type: 'hazard.overdue',
      recipient: { contactId: 'C-INSP-RESP', name: 'Li Na', role: 'responsible' },
      hazard: {
        id: hazardId,
        enterpriseId,
        substationId,
        kind: 'fire-lane-blocked',
        severity: 'orange',
        status: 'open',
        deadline: new Date(foundAt + 72 * HOUR).toISOString(),
        responsibleContactId: 'C-INSP-RESP',
      },
    });
    const live = await waitFor(async () => stream.ofType('hazard.overdue')[0], 3000, 'hazard.overdue on the live stream');
    expect(live.data).toMatchObject({ type: 'hazard.overdue', hazard: { id: hazardId, enterpriseId } });
  });

  it('tells it once per deadline, across sweeps and a restart: the hazard row is the record', async () => {
    // Each barrier is another hazard already overdue, found before the report's period and outside the campaign:
    // once it is told, sweeps have run while the first was still overdue.
    const barrier = async (daysBack: number) => {
      const at = new Date(foundAt - daysBack * DAY).toISOString();
      const { body } = await post(
        '/api/inspections',
        { enterpriseId: outsiderId, at, findings: [{ kind: 'unsafe-wiring', severity: 'orange' }] },
        inspector,
      );
      const id: string = body.hazards[0].id;
      await waitFor(async () => overdueDeliveries().some((d) => (d.body.hazard as { id: string }).id === id), 10_000, 'the barrier told');
    };
    await barrier(2);
    await stream.close();
    await sut.stop();
    await sut.start();
    await barrier(2.5);
    const firstHazard = overdueDeliveries().filter((d) => (d.body.hazard as { id: string }).id === hazardId);
    expect(firstHazard.map((d) => d.body.recipient?.contactId ?? d.body.recipient?.name).sort()).toEqual([
      'C-INSP-DUTY',
      'C-INSP-RESP',
      'command-center',
    ]);
    expect(firstHazard.every((d) => d.count === 1)).toBe(true);
  });

  it('takes the rectification with a photo, reopens on a failed re-inspection, verifies on the second: the grade falls', async () => {
    const rectified = await post(`/api/hazards/${hazardId}/rectify`, { note: 'pallets moved', evidence: [png('cleared.png')] }, ownerToken);
    expect(rectified.body).toMatchObject({ status: 'rectified', overdue: false });
    const due = (await sut.api(`/api/hazards?substationId=${substationId}&status=rectified`)).body;
    expect(due.map((h: { id: string }) => h.id)).toEqual([hazardId]);

    const failed = await post(`/api/hazards/${hazardId}/verify`, { passed: false, note: 'pallets back' }, inspector);
    expect(failed.body).toMatchObject({ status: 'reopened', reopenCount: 1, overdue: false });
    expect((await sut.api(`/api/enterprises/${enterpriseId}`)).body.grade).toBe('orange');
    expect((await post(`/api/hazards/${hazardId}/rectify`, { note: 'lane marked and kept clear' }, ownerToken)).status).toBe(200);
    expect((await post(`/api/hazards/${hazardId}/verify`, { passed: true }, inspector)).body.status).toBe('verified');

    expect((await sut.api(`/api/enterprises/${enterpriseId}`)).body).toMatchObject({
      grade: 'blue',
      why: { reasons: ['three-in-one premises'] },
    });
    // Told once for its one passed deadline, however many sweeps ran since; the new deadline never passed.
    expect(overdueDeliveries().filter((d) => d.body.recipient?.contactId === 'C-INSP-RESP')).toHaveLength(1);
  });

  it('gives the report and the campaign progress worked out by hand', async () => {
    // One hazard, opened 4 days ago in the period: rectified twice, re-inspected twice (one passed), overdue once,
    // first rectified about 4 days after it was found (the seconds of this test are 0.000 days).
    const from = new Date(foundAt - DAY).toISOString();
    const report = (await sut.api(`/api/reports/hazards?from=${from}&groupBy=enterprise`)).body;
    expect(campaignSchemas.hazardReport.safeParse(report).error).toBeUndefined();
    const figures = { opened: 1, rectified: 2, verified: 1, overdueShare: 1, medianDaysToRectify: 4, reinspectionPassRate: 0.5 };
    expect(report).toMatchObject({ groupBy: 'enterprise', zone: figures, groups: [{ key: enterpriseId, ...figures }] });
    const bySubstation = (await sut.api(`/api/reports/hazards?from=${from}&groupBy=substation`)).body;
    expect(bySubstation.groups).toEqual([{ key: substationId, ...figures }]);
    // Before any hazard was found: nothing.
    const before = (
      await sut.api(
        `/api/reports/hazards?from=${new Date(foundAt - 10 * DAY).toISOString()}&to=${new Date(foundAt - 5 * DAY).toISOString()}`,
      )
    ).body;
    expect(before.zone).toMatchObject({ opened: 0, overdueShare: null });

    const progress = (await sut.api(`/api/campaigns/${campaignId}`)).body;
    expect(campaignSchemas.campaignProgress.safeParse(progress).error).toBeUndefined();
    // Two enterprises, one inspected with its one finding, rectified and verified; nothing overdue any more.
    expect(progress.total).toEqual({ enterprises: 2, inspected: 1, findings: 1, rectified: 1, verified: 1, overdue: 0 });
    expect(progress.enterprises.find((e: { enterpriseId: string }) => e.enterpriseId === neighbourId)).toMatchObject({
      inspected: 0,
      findings: 0,
    });
    expect((await sut.api('/api/campaigns/K-none')).body).toMatchObject({ statusCode: 404, code: 'CAMPAIGN_NOT_FOUND' });
  });
});
