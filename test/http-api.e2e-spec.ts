import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { MqttClient } from 'mqtt';
import { z } from 'zod';
import { healthBody } from '@app/observability/health.controller';
import { waitFor } from '@app/testing';
import { refTo, responseSchemas as schemas } from '@app/command-center';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

/** SPEC.md, "The command center (HTTP)": every endpoint it lists. */
const SPEC_ENDPOINTS = [
  'GET /health',
  'GET /metrics',
  'GET /api/enterprises',
  'GET /api/enterprises/{id}',
  'GET /api/devices/{id}/readings',
  'POST /api/devices/{id}/credentials',
  'GET /api/alarms',
  'GET /api/incidents',
  'GET /api/incidents/{id}',
  'POST /api/incidents/{id}/acknowledge',
  'POST /api/incidents/{id}/arrive',
  'POST /api/incidents/{id}/resolve',
  'GET /api/substations',
  'PUT /api/substations/{id}/availability',
  'GET /api/reports/timeline-compliance',
  'GET /api/reports/false-alarms',
  'GET /api/audit',
  'POST /api/tokens',
  'GET /api/tokens',
  'DELETE /api/tokens/{id}',
  'POST /api/zone/import',
  'GET /api/zone/export',
  'GET /api/indicators',
  'GET /api/stream',
  'GET /',
];
const SPEC_QUERY_PARAMETERS: Record<string, string[]> = {
  'GET /api/devices/{id}/readings': ['from', 'to', 'bucket'],
  'GET /api/alarms': ['status', 'grade'],
  'GET /api/incidents': ['status'],
  'GET /api/reports/timeline-compliance': ['from', 'to'],
  'GET /api/reports/false-alarms': ['from', 'to', 'groupBy'],
  'GET /api/audit': ['entity', 'entityId', 'actor', 'from', 'to'],
};

type Method = 'get' | 'post' | 'put' | 'delete';

describe('the HTTP API: its OpenAPI document, Swagger UI, one error body, paging, and answers that match the document', () => {
  const sut = new AllInOneHarness(AllInOneModule);
  let doc: OpenAPIObject;
  let device: MqttClient;

  const operation = (endpoint: string): OperationObject => {
    const [method, path] = endpoint.split(' ');
    const found = doc.paths[path]?.[method.toLowerCase() as Method];
    if (!found) throw new Error(`${endpoint} is not in the document`);
    return found;
  };
  const raw = (path: string, init: RequestInit = {}) => fetch(sut.baseUrl + path, init);

  beforeAll(async () => {
    await sut.start();
    const res = await raw('/docs-json');
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenAPIObject;
    device = await sut.device();
  });

  afterAll(async () => {
    await device?.endAsync();
    await sut.dispose();
  });

  describe('the document at /docs-json', () => {
    it('is OpenAPI 3 and has every endpoint of SPEC.md with its method and query parameters', () => {
      expect(doc.openapi).toMatch(/^3\./);
      const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
        (['get', 'post', 'put', 'patch', 'delete'] as const).filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`),
      );
      expect(documented).toEqual(expect.arrayContaining(SPEC_ENDPOINTS));
      for (const [endpoint, names] of Object.entries(SPEC_QUERY_PARAMETERS)) {
        const query = (operation(endpoint).parameters ?? [])
          .filter((p) => 'in' in p && p.in === 'query')
          .map((p) => ('name' in p ? p.name : ''));
        expect({ endpoint, query }).toEqual({ endpoint, query: expect.arrayContaining(names) });
      }
    });

    it('declares Bearer auth on every /api route, with its 401, role notes, and the one error body for every error', () => {
      expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      const errorRef = refTo(schemas.apiSchemas, schemas.errorBody);
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const method of ['get', 'post', 'put', 'delete'] as const) {
          const op = item[method];
          if (!op) continue;
          const where = `${method.toUpperCase()} ${path}`;
          for (const [status, response] of Object.entries(op.responses)) {
            if (Number(status) >= 400 && path.startsWith('/api'))
              expect({ where, status, schema: (response as any).content?.['application/json']?.schema }).toEqual({
                where,
                status,
                schema: errorRef,
              });
          }
          if (!path.startsWith('/api')) {
            expect({ where, security: op.security }).toEqual({ where, security: undefined });
            continue;
          }
          expect({ where, security: op.security }).toEqual({ where, security: [{ bearer: [] }] });
          expect({ where, has401: '401' in op.responses }).toEqual({ where, has401: true });
          expect({ where, roles: op.description }).toEqual({ where, roles: expect.stringMatching(/Roles: /) });
        }
      }
      expect(operation('POST /api/incidents/{id}/acknowledge')).toMatchObject({
        'x-roles': ['operator', 'substation'],
        responses: { 400: {}, 403: {}, 404: {}, 409: {} },
      });
      expect(operation('POST /api/devices/{id}/credentials')).toMatchObject({ 'x-roles': ['operator'], responses: { 403: {}, 404: {} } });
      expect(operation('GET /api/alarms').responses['400']).toBeDefined();
      expect(operation('GET /api/audit')).toMatchObject({ 'x-roles': ['operator'], responses: { 400: {}, 403: {} } });
      expect(operation('GET /api/tokens')).toMatchObject({ 'x-roles': ['operator'], responses: { 403: {} } });
      expect(operation('DELETE /api/tokens/{id}')).toMatchObject({ 'x-roles': ['operator'], responses: { 403: {}, 404: {}, 409: {} } });
    });

    it('takes request bodies and query parameters from the zod schemas the API validates with', () => {
      const body = (operation('POST /api/incidents/{id}/acknowledge').requestBody as any).content['application/json'].schema;
      expect(body).toMatchObject({
        type: 'object',
        additionalProperties: false,
        properties: { substationId: { type: 'string' }, by: { type: 'string' } },
      });
      const grade = operation('GET /api/alarms').parameters!.find((p) => 'name' in p && p.name === 'grade') as any;
      expect(grade).toMatchObject({ in: 'query', required: false, schema: { type: 'string', enum: ['red', 'orange', 'yellow', 'blue'] } });
      const limit = operation('GET /api/incidents').parameters!.find((p) => 'name' in p && p.name === 'limit') as any;
      expect(limit.schema).toEqual({ type: 'integer', minimum: 1, maximum: 1000, default: 100 });
      expect(doc.components?.schemas?.Incident).toMatchObject({
        properties: { milestones: { type: 'array', items: { $ref: '#/components/schemas/Milestone' } } },
      });
    });

    it('and Swagger UI at /docs, with its assets, need no token', async () => {
      const ui = await raw('/docs');
      expect(ui.status).toBe(200);
      expect(ui.headers.get('content-type')).toContain('text/html');
      const html = await ui.text();
      expect(html).toContain('swagger-ui');
      const bundle = await raw('/docs/swagger-ui-bundle.js');
      expect(bundle.status).toBe(200);
      expect((await raw('/docs/swagger-ui-init.js')).status).toBe(200);
    });
  });

  describe('errors', () => {
    const expectError = async (res: { status: number; body: unknown }, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(schemas.errorBody.parse(res.body)).toMatchObject({ statusCode: status, code });
      return schemas.errorBody.parse(res.body);
    };

    it('answers invalid queries and bodies with 400 VALIDATION_FAILED naming each field', async () => {
      const grade = await expectError(await sut.api('/api/alarms?grade=purple'), 400, 'VALIDATION_FAILED');
      expect(grade).toMatchObject({ error: 'Bad Request', details: [{ path: 'grade', message: expect.any(String) }] });
      expect(grade.message).toContain('grade');
      const from = await expectError(await sut.api('/api/devices/x/readings?from=notadate'), 400, 'VALIDATION_FAILED');
      expect(from.details).toEqual([{ path: 'from', message: 'not an ISO-8601 date-time' }]);
      const body = await expectError(
        await sut.api('/api/incidents/x/acknowledge', { method: 'POST', body: JSON.stringify({ substationId: 5, extra: 1 }) }),
        400,
        'VALIDATION_FAILED',
      );
      expect(body.details!.map((d) => d.path).sort()).toEqual(['request', 'substationId']);
      await expectError(await sut.api('/api/incidents?cursor=bm90LWEtY3Vyc29y'), 400, 'VALIDATION_FAILED');
    });

    it('answers 401, 403, 404, 413 and malformed JSON with the same body', async () => {
      await expectError(await sut.api('/api/incidents', { token: null }), 401, 'UNAUTHORIZED');
      const viewer = await sut.api('/api/tokens', { method: 'POST', body: JSON.stringify({ role: 'viewer', name: 'docs viewer' }) });
      await expectError(
        await sut.api('/api/tokens', { method: 'POST', body: JSON.stringify({ role: 'viewer', name: 'x' }), token: viewer.body.token }),
        403,
        'FORBIDDEN',
      );
      await expectError(await sut.api('/api/incidents/nope'), 404, 'NOT_FOUND');
      await expectError(await sut.api('/api/no-such-route'), 404, 'NOT_FOUND');
      await expectError(await sut.api('/api/tokens', { method: 'POST', body: '{"role": ' }), 400, 'BAD_REQUEST');
      await expectError(
        await sut.api('/api/tokens', { method: 'POST', body: JSON.stringify({ role: 'viewer', name: 'x'.repeat(100 * 1024) }) }),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      await expectError(
        await sut.api('/api/tokens', { method: 'POST', body: JSON.stringify({ role: 'substation', name: 'ghost', substationId: 'S99' }) }),
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('answers, held to the schemas the document names', () => {
    let incidentId = '';
    let alarmId = '';
    let detectorId = '';

    /** Fetches, and checks the document names `schema` for this answer and the answer has that schema. */
    const check = async (
      method: Method,
      path: string,
      template: string,
      schema: z.ZodType,
      options: { isArray?: boolean; status?: number; body?: unknown } = {},
    ) => {
      const { isArray = false, status = method === 'post' ? 201 : 200 } = options;
      const res = await sut.api(
        path,
        method === 'post' || method === 'put'
          ? { method: method.toUpperCase(), body: JSON.stringify(options.body ?? {}) }
          : { method: method.toUpperCase() },
      );
      expect({ path, status: res.status }).toEqual({ path, status });
      const documented = (operation(`${method.toUpperCase()} ${template}`).responses[status] as any).content['application/json'].schema;
      const ref = refTo(schemas.apiSchemas, schema);
      expect({ path, documented }).toEqual({ path, documented: isArray ? { type: 'array', items: ref } : ref });
      const parsed = (isArray ? z.array(schema) : schema).safeParse(res.body);
      expect({ path, issues: parsed.error?.issues ?? [] }).toEqual({ path, issues: [] });
      return res.body;
    };

    beforeAll(async () => {
      const { body } = await sut.api('/api/enterprises/E0006');
      const detector = body.devices.find((d: { type: string }) => d.type === 'smoke_detector' || d.type === 'gas_detector');
      const readings = detector.type === 'smoke_detector' ? { smoke: true, temperature: 70 } : { gas_lel: 60 };
      detectorId = detector.id;
      const topic = `sites/E0006/devices/${detector.id}/telemetry`;
      await device.publishAsync(topic, JSON.stringify({ ts: Date.now() - 1000, readings }), { qos: 1 });
      await device.publishAsync(topic, '{"ts": ', { qos: 1 });
      const incident = await waitFor(async () => (await sut.api('/api/incidents?enterpriseId=E0006')).body[0], 5000, 'an incident');
      incidentId = incident.id;
      alarmId = incident.alarmIds[0];
      await waitFor(async () => (await sut.api('/api/dead-letters')).body.length > 0, 5000, 'a dead letter');
    });

    it('for alarms, incidents and the incident actions', async () => {
      await check('get', '/api/alarms', '/api/alarms', schemas.handledAlarm, { isArray: true });
      await check('get', `/api/alarms/${alarmId}`, '/api/alarms/{id}', schemas.handledAlarm);
      const alarmAction = (action: string, body: unknown, status: number) =>
        check('post', `/api/alarms/${alarmId}/${action}`, `/api/alarms/{id}/${action}`, schemas.handledAlarm, { status, body });
      await alarmAction('acknowledge', { note: 'seen' }, 200);
      await alarmAction('comments', { text: 'calling the site' }, 201);
      const assigned = await alarmAction('assign', { to: 'duty officer' }, 200);
      expect(assigned).toMatchObject({ acknowledgedBy: 'operator', assignee: 'duty officer' });
      expect(assigned.comments.map((c: { kind: string }) => c.kind)).toEqual(['acknowledge', 'comment']);
      const list = await check('get', '/api/incidents?status=open', '/api/incidents', schemas.incident, { isArray: true });
      expect(list.length).toBeGreaterThan(0);
      await check('get', `/api/incidents/${incidentId}`, '/api/incidents/{id}', schemas.incidentDetail);
      await check('post', `/api/incidents/${incidentId}/acknowledge`, '/api/incidents/{id}/acknowledge', schemas.incident, { status: 200 });
      await check('post', `/api/incidents/${incidentId}/arrive`, '/api/incidents/{id}/arrive', schemas.incident, { status: 200 });
      const resolved = await check('post', `/api/incidents/${incidentId}/resolve`, '/api/incidents/{id}/resolve', schemas.incident, {
        status: 200,
        body: { outcome: 'device-fault', note: 'detector head replaced' },
      });
      expect(resolved.milestones.every((m: { at: string | null }) => m.at !== null)).toBe(true);
      expect(resolved.resolution).toMatchObject({ outcome: 'device-fault', cause: null, note: 'detector head replaced' });
      const again = await sut.api(`/api/incidents/${incidentId}/resolve`, { method: 'POST', body: '{"outcome":"other"}' });
      expect(again.status).toBe(409);
      expect(schemas.errorBody.parse(again.body)).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'INCIDENT_RESOLVED' });
    });

    it('for enterprises, substations, devices and readings', async () => {
      const page = await check('get', '/api/enterprises', '/api/enterprises', schemas.enterprisePage);
      expect(page.total).toBe(20);
      const contact = { id: 'C-E0006', name: 'Duty officer', phone: '+86 571 0006', email: '', role: 'duty' };
      await sut.api('/api/contacts', { method: 'POST', body: JSON.stringify({ ...contact, enterpriseId: 'E0006' }) });
      await sut.api('/api/enterprises/E0006', {
        method: 'PATCH',
        body: JSON.stringify({ profile: { floors: 2 }, indicators: { fire_extinguishers: 8 } }),
      });
      const enterprise = await check('get', '/api/enterprises/E0006', '/api/enterprises/{id}', schemas.enterprise);
      expect(enterprise.why.findings.length).toBeGreaterThan(0);
      expect(enterprise).toMatchObject({
        address: '',
        status: 'active',
        profile: { floors: 2, areaM2: null, occupants: null },
        indicators: { fire_extinguishers: 8 },
        contacts: [contact],
      });
      await check('get', '/api/devices?enterpriseId=E0006&q=e0006', '/api/devices', schemas.devicePage);
      await check('get', '/api/enterprises/E0006/grades', '/api/enterprises/{id}/grades', schemas.gradeChange, { isArray: true });
      await check('get', '/api/enterprises/E0006/readings?bucket=60', '/api/enterprises/{id}/readings', schemas.enterpriseReadings);
      const each = await check('get', `/api/devices/${detectorId}/readings`, '/api/devices/{id}/readings', schemas.deviceReadings);
      const bucketed = await check(
        'get',
        `/api/devices/${detectorId}/readings?bucket=300`,
        '/api/devices/{id}/readings',
        schemas.deviceReadings,
      );
      expect(Math.min(each.points.length, bucketed.points.length)).toBeGreaterThan(0);
      await check('post', `/api/devices/${detectorId}/credentials`, '/api/devices/{id}/credentials', schemas.deviceCredentials);
      await check('get', '/api/substations', '/api/substations', schemas.substation, { isArray: true });
      const out = await check('put', '/api/substations/S1/availability', '/api/substations/{id}/availability', schemas.substation, {
        body: { available: false, reason: 'schema check' },
      });
      expect(out).toMatchObject({ available: false, availabilityReason: 'schema check' });
      await check('put', '/api/substations/S1/availability', '/api/substations/{id}/availability', schemas.substation, {
        body: { available: true, reason: 'schema check over' },
      });
    });

    it('for dead letters, reports, rules, tokens, and /health', async () => {
      await check('get', '/api/dead-letters', '/api/dead-letters', schemas.deadLetter, { isArray: true });
      await check('get', '/api/dead-letters/stats', '/api/dead-letters/stats', schemas.deadLetterStats);
      const report = await check('get', '/api/reports/timeline-compliance', '/api/reports/timeline-compliance', schemas.complianceReport);
      expect(report.zone.incidents).toBeGreaterThan(0);
      const falseAlarms = await check(
        'get',
        '/api/reports/false-alarms?groupBy=device',
        '/api/reports/false-alarms',
        schemas.falseAlarmReport,
      );
      expect(falseAlarms.groupBy).toBe('device');
      const catalogue = await check('get', '/api/incident-outcomes', '/api/incident-outcomes', schemas.incidentOutcomeCatalogue);
      expect(catalogue.falseAlarmCauses.map((c: { code: string }) => c.code)).toContain('steam');
      await check('get', '/api/rules', '/api/rules', schemas.ruleSet);
      await check('get', '/api/me', '/api/me', schemas.principal);
      const issued = await check('post', '/api/tokens', '/api/tokens', schemas.issuedToken, {
        body: { role: 'substation', name: 'chief', substationId: 'S1', expiresAt: '2099-01-01T00:00:00Z' },
      });
      const tokens = await check('get', '/api/tokens', '/api/tokens', schemas.apiToken, { isArray: true });
      expect(tokens.map((t: { id: string }) => t.id)).toContain(issued.id);
      await check('delete', `/api/tokens/${issued.id}`, '/api/tokens/{id}', schemas.apiToken);
      const audit = await check('get', '/api/audit', '/api/audit', schemas.auditPage);
      expect(audit.items.map((i: { action: string }) => i.action)).toEqual(expect.arrayContaining(['token.issue', 'token.revoke']));
      const health = await sut.api('/health', { token: null });
      expect(healthBody.parse(health.body)).toEqual(health.body);
    });
  });

  describe('paging', () => {
    /** Follows Link rel="next" from `path` and gives every page's ids. */
    const follow = async (path: string, idsOf: (body: any) => string[]) => {
      const pages: string[][] = [];
      for (let next: string | null = path; next;) {
        const res = await raw(next, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(res.status).toBe(200);
        pages.push(idsOf(await res.json()));
        const link = res.headers.get('link');
        expect(link === null).toBe(res.headers.get('x-next-cursor') === null);
        next = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1] : null;
        expect(pages.length).toBeLessThan(10);
      }
      return pages;
    };

    it('gives every enterprise once, in order, by following Link rel="next"', async () => {
      const pages = await follow('/api/enterprises?limit=7&offset=0', (body) => body.items.map((e: { id: string }) => e.id));
      expect(pages.map((p) => p.length)).toEqual([7, 7, 6]);
      const all = (await sut.api('/api/enterprises')).body.items.map((e: { id: string }) => e.id);
      expect(pages.flat()).toEqual(all);
    });

    it('pages incidents and alarms by cursor, not shifted by an incident that arrives meanwhile', async () => {
      const fire = async (enterpriseId: string) => {
        const { body } = await sut.api(`/api/enterprises/${enterpriseId}`);
        const detector = body.devices.find((d: { type: string }) => d.type === 'smoke_detector' || d.type === 'gas_detector');
        const readings = detector.type === 'smoke_detector' ? { smoke: true } : { gas_lel: 60 };
        await device.publishAsync(`sites/${enterpriseId}/devices/${detector.id}/telemetry`, JSON.stringify({ ts: Date.now(), readings }), {
          qos: 1,
        });
        await waitFor(
          async () => (await sut.api(`/api/incidents?enterpriseId=${enterpriseId}`)).body.length === 1,
          5000,
          `an incident at ${enterpriseId}`,
        );
      };
      const ids = async (path: string) => (await sut.api(path)).body.map((x: { id: string }) => x.id) as string[];
      await fire('E0007');
      const before = await ids('/api/incidents');
      expect(before.length).toBeGreaterThanOrEqual(2);

      const first = await raw('/api/incidents?limit=1', { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(((await first.json()) as Array<{ id: string }>).map((i) => i.id)).toEqual(before.slice(0, 1));
      await fire('E0008');
      const rest = await follow(/^<([^>]+)>/.exec(first.headers.get('link')!)![1], (body) => body.map((i: { id: string }) => i.id));
      expect(rest.flat()).toEqual(before.slice(1));
      // By offset, the new incident pushes the first page's into the second.
      expect(await ids('/api/incidents?limit=1&offset=1')).toEqual(before.slice(0, 1));

      const incidents = await ids('/api/incidents');
      expect((await follow('/api/incidents?limit=2', (body) => body.map((i: { id: string }) => i.id))).flat()).toEqual(incidents);
      const alarms = await ids('/api/alarms');
      expect((await follow('/api/alarms?limit=1', (body) => body.map((a: { id: string }) => a.id))).flat()).toEqual(alarms);

      // An enterprise cursor means nothing to the incident list.
      const enterpriseCursor = (await raw('/api/enterprises?limit=1', { headers: { authorization: `Bearer ${TOKEN}` } })).headers.get(
        'x-next-cursor',
      );
      const refused = await sut.api(`/api/incidents?cursor=${enterpriseCursor}`);
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual([{ path: 'cursor', message: 'not a cursor this list gave out (X-Next-Cursor)' }]);
    });
  });
});
