import { MqttClient } from 'mqtt';
import { z } from 'zod';
import { waitFor } from '@app/testing';
import { responseSchemas as schemas } from '@app/command-center';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

type DevicePage = z.infer<typeof schemas.devicePage>;

/** GET /api/devices over HTTP: every filter alone and together, paging by offset and cursor, and the 400s of a bad query. */
describe('the device list, GET /api/devices', () => {
  const sut = new AllInOneHarness(AllInOneModule, { SEED_ENTERPRISES: '20' });
  let device: MqttClient;
  let all: DevicePage['items'];

  const list = async (query: string, token?: string) => {
    const res = await sut.api<DevicePage>(`/api/devices?${query}`, { token });
    expect({ query, status: res.status }).toEqual({ query, status: 200 });
    return schemas.devicePage.parse(res.body);
  };
  const ids = async (query: string) => (await list(`limit=1000&${query}`)).items.map((d) => d.id);
  const idsWhere = (keep: (d: DevicePage['items'][number]) => boolean) => all.filter(keep).map((d) => d.id);

  beforeAll(async () => {
    await sut.start();
    device = await sut.device();
    all = (await list('limit=1000')).items;
  });

  afterAll(async () => {
    await device?.endAsync();
    await sut.dispose();
  });

  it('lists the whole register in id order, paged by 100, every device offline until it reports', async () => {
    const first = await list('');
    expect(first.total).toBe(all.length);
    expect(first).toMatchObject({ limit: 100, offset: 0 });
    expect(first.items).toEqual(all.slice(0, 100));
    expect(all.map((d) => d.id)).toEqual(all.map((d) => d.id).sort());
    expect(all.every((d) => d.status === 'active' && !d.online && d.lastSeenAt === null)).toBe(true);
  });

  it('filters by enterprise, type and id prefix (whatever the case), alone and together', async () => {
    const own = (await sut.api<{ devices: { id: string }[] }>('/api/enterprises/E0002')).body.devices.map((d) => d.id);
    expect(await ids('enterpriseId=E0002')).toEqual(own);
    expect(await ids('type=smoke_detector')).toEqual(idsWhere((d) => d.type === 'smoke_detector'));
    expect(await ids('q=E0002-D0')).toEqual(idsWhere((d) => d.id.startsWith('E0002-D0')));
    expect(await ids('q=e0002-d0')).toEqual(await ids('q=E0002-D0'));
    expect(await ids('q=E00&type=gas_detector&enterpriseId=E0003')).toEqual(
      idsWhere((d) => d.enterpriseId === 'E0003' && d.type === 'gas_detector'),
    );
    // A prefix is no pattern.
    expect(await ids('q=E000_')).toEqual([]);
    expect(await ids(`q=${encodeURIComponent('%')}`)).toEqual([]);
    expect(await list('enterpriseId=NOBODY')).toEqual({ total: 0, limit: 100, offset: 0, items: [] });
  });

  it('filters by presence once a device reports, and by status once one is retired', async () => {
    const [reporting, retiring] = idsWhere((d) => d.enterpriseId === 'E0004');
    await device.publishAsync(`sites/E0004/devices/${reporting}/status`, JSON.stringify({ online: true, ts: Date.now() }), { qos: 1 });
    await waitFor(async () => (await ids('online=true')).includes(reporting), 5000, `${reporting} online`);
    expect(await ids('online=true')).toEqual([reporting]);
    expect((await list('online=false')).total).toBe(all.length - 1);
    expect((await list(`q=${reporting}`)).items[0]).toMatchObject({ online: true, lastSeenAt: expect.any(String) });

    const patched = await sut.api(`/api/devices/${retiring}`, { method: 'PATCH', body: JSON.stringify({ status: 'retired' }) });
    expect(patched.status).toBe(200);
    expect(await ids('status=retired')).toEqual([retiring]);
    expect(await ids('status=active&enterpriseId=E0004')).toEqual(idsWhere((d) => d.enterpriseId === 'E0004' && d.id !== retiring));
    expect(await ids('status=active&online=true&enterpriseId=E0004')).toEqual([reporting]);
  });

  it('pages by offset or by the cursor it offers, and a viewer may read it', async () => {
    const res = await fetch(`${sut.baseUrl}/api/devices?type=smoke_detector&limit=3`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const cursor = res.headers.get('x-next-cursor');
    expect(cursor).toBeTruthy();
    expect(res.headers.get('link')).toBe(`</api/devices?type=smoke_detector&limit=3&cursor=${cursor}>; rel="next"`);
    const byCursor = await list(`type=smoke_detector&limit=3&cursor=${cursor}`);
    const byOffset = await list('type=smoke_detector&limit=3&offset=3');
    expect(byCursor.items).toEqual(byOffset.items);
    expect(byCursor.items.map((d) => d.id)).toEqual(idsWhere((d) => d.type === 'smoke_detector').slice(3, 6));

    const viewer = (await sut.api('/api/tokens', { method: 'POST', body: JSON.stringify({ role: 'viewer', name: 'device viewer' }) })).body
      .token as string;
    expect((await list('limit=1', viewer)).total).toBe(all.length);
  });

  it.each([
    ['type=toaster', 'type'],
    ['status=gone', 'status'],
    ['online=yes', 'online'],
    ['q=', 'q'],
    [`q=${'x'.repeat(65)}`, 'q'],
    [`enterpriseId=${'x'.repeat(65)}`, 'enterpriseId'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['offset=-1', 'offset'],
    ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
  ])('answers %s with 400 VALIDATION_FAILED naming %s', async (query, field) => {
    const res = await sut.api(`/api/devices?${query}`);
    expect(res.status).toBe(400);
    const body = schemas.errorBody.parse(res.body);
    expect(body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(body.details!.map((d) => d.path)).toEqual([field]);
  });

  it('wants a token', async () => {
    const res = await sut.api('/api/devices', { token: null });
    expect(res.status).toBe(401);
    expect(schemas.errorBody.parse(res.body)).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
