import { request } from 'node:http';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

const NOTHING = { substations: 0, enterprises: 0, devices: 0, contacts: 0 };

describe('the zone register: import and export', () => {
  // The whole demo zone: 2,300 enterprises.
  const sut = new AllInOneHarness(AllInOneModule, { SEED_ENTERPRISES: '2300' });

  beforeAll(() => sut.start());
  afterAll(() => sut.dispose());

  it('export then import of the whole demo zone reports everything unchanged and applies nothing new', async () => {
    const exported = await sut.api('/api/zone/export');
    expect(exported.status).toBe(200);
    expect(exported.body.enterprises).toHaveLength(2300);
    const result = await sut.api('/api/zone/import', { method: 'POST', body: JSON.stringify(exported.body) });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      applied: true,
      created: NOTHING,
      updated: NOTHING,
      unchanged: {
        substations: exported.body.substations.length,
        enterprises: 2300,
        devices: exported.body.devices.length,
        contacts: 0,
      },
      errors: [],
    });
    expect((await sut.api('/api/zone/export')).body).toEqual(exported.body);
  });

  it('a dry run with bad rows lists each one and changes nothing; without dryRun it is a 422 that applies nothing', async () => {
    const body = {
      enterprises: [
        { id: 'NEW1', name: 'New', industry: 'textiles', location: { lat: 0, lon: 0 }, substationId: 'S1' },
        { id: 'NEW2', name: 'Other', industry: 'textiles', location: { lat: 28.9, lon: 120.05 }, substationId: 'S99' },
      ],
      devices: [{ id: 'NEWD', enterpriseId: 'NEW2', type: 'toaster', reportIntervalS: 30 }],
    };
    const dry = await sut.api('/api/zone/import?dryRun=true', { method: 'POST', body: JSON.stringify(body) });
    expect(dry.status).toBe(200);
    expect(dry.body.applied).toBe(false);
    expect(dry.body.errors).toEqual([
      expect.objectContaining({ kind: 'enterprises', row: 1, id: 'NEW1', field: 'location' }),
      expect.objectContaining({ kind: 'enterprises', row: 2, id: 'NEW2', field: 'substationId' }),
      expect.objectContaining({ kind: 'devices', row: 1, id: 'NEWD', field: 'type' }),
    ]);
    const refused = await sut.api('/api/zone/import', { method: 'POST', body: JSON.stringify(body) });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ statusCode: 422, code: 'REGISTER_INVALID', applied: false, errors: dry.body.errors });
    expect((await sut.api('/api/enterprises/NEW1')).status).toBe(404);
  });

  it('imports a CSV of one kind, and exports it back as CSV', async () => {
    const csv = await sut.api('/api/zone/export?format=csv&kind=devices');
    expect(csv.status).toBe(200);
    const lines = (csv.body as string).trim().split('\n');
    expect(lines[0]).toBe('id,enterpriseId,type,reportIntervalS,status');
    const changed = [lines[0], lines[1].replace(/,active$/, ',retired')].join('\n');
    const res = await fetch(`${sut.baseUrl}/api/zone/import?kind=devices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' },
      body: changed,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ applied: true, updated: { devices: 1 } });
    const again = await sut.api('/api/zone/export?format=csv&kind=devices');
    expect((again.body as string).split('\n')[1]).toBe(lines[1].replace(/,active$/, ',retired'));
  });

  it('serves the indicator catalogue', async () => {
    const res = await sut.api('/api/indicators');
    expect(res.status).toBe(200);
    expect(res.body).toContainEqual(expect.objectContaining({ code: 'dust_explosion_risk', type: 'enum' }));
  });

  /**
   * A body of `bytes` streamed in 1 MiB chunks with its Content-Length, as a client uploading a big register would;
   * stops sending once the answer is in (a body over the limit is refused on its length, before it is read).
   */
  const streamed = (path: string, contentType: string, bytes: number) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const url = new URL(path, sut.baseUrl);
      let answered = false;
      const req = request(
        url,
        {
          method: 'POST',
          headers: { 'content-type': contentType, 'content-length': String(bytes), authorization: `Bearer ${TOKEN}` },
        },
        (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          });
        },
      );
      req.on('error', (e) => (answered ? undefined : reject(e)));
      const chunk = Buffer.alloc(1024 * 1024, ' ');
      let sent = 0;
      const write = () => {
        while (!answered && sent < bytes) {
          const part = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
          sent += part.length;
          if (!req.write(part)) return void req.once('drain', write);
        }
        if (!answered) req.end();
      };
      write();
    });

  it.each([
    ['JSON', '/api/zone/import', 'application/json'],
    ['CSV', '/api/zone/import?kind=contacts', 'text/csv'],
  ])('answers a %s body just over its 64 MiB limit with 413 and the one error body', async (_what, path, contentType) => {
    const res = await streamed(path, contentType, 64 * 1024 * 1024 + 1);
    expect(res).toEqual({
      status: 413,
      body: { statusCode: 413, error: 'Payload Too Large', code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) },
    });
  });
});
