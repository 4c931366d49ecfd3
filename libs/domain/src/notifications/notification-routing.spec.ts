import type { IncidentEventV2, IncidentSnapshotV1 } from '@app/contracts';
import { notifiableIncidentEvent } from './incident-notification-event';
import { DEFAULT_NOTIFICATION_ROUTES, NotificationRoute, parseNotificationRoutes } from './notification-route';
import { COMMAND_CENTER_RECIPIENT, NotifiableEvent, NotificationContact, routeNotifications } from './notification-routing';

const CONTACTS: NotificationContact[] = [
  { id: 'duty-s1', role: 'duty', enterpriseId: null, substationId: 'S1', status: 'active' },
  { id: 'mgr-s1', role: 'manager', enterpriseId: null, substationId: 'S1', status: 'active' },
  { id: 'duty-s2', role: 'duty', enterpriseId: null, substationId: 'S2', status: 'active' },
  { id: 'retired-s1', role: 'duty', enterpriseId: null, substationId: 'S1', status: 'retired' },
  { id: 'resp-e1', role: 'responsible', enterpriseId: 'E1', substationId: null, status: 'active' },
  { id: 'resp-e2', role: 'responsible', enterpriseId: 'E2', substationId: null, status: 'active' },
  { id: 'retired-resp-e1', role: 'responsible', enterpriseId: 'E1', substationId: null, status: 'retired' },
  { id: 'retired-duty-s2', role: 'duty', enterpriseId: null, substationId: 'S2', status: 'retired' },
];

function event(over: Partial<NotifiableEvent> = {}): NotifiableEvent {
  return {
    sourceId: 'I1|incident.opened|1000||',
    type: 'incident.opened',
    grade: 'red',
    incidentId: 'I1',
    enterpriseId: 'E1',
    substationId: 'S1',
    backupSubstationIds: [],
    ...over,
  };
}

const recipients = (
  e: NotifiableEvent,
  routes: readonly NotificationRoute[] = DEFAULT_NOTIFICATION_ROUTES,
  channels = ['webhook'] as const,
) => routeNotifications(e, CONTACTS, routes, channels).map((n) => `${n.channel}:${n.recipient}`);

describe('notification routing', () => {
  it('by default tells the command center, the assigned substation’s duty contacts and the enterprise’s responsible contact of an opening', () => {
    expect(recipients(event())).toEqual(['webhook:command-center', 'webhook:contact:duty-s1', 'webhook:contact:resp-e1']);
  });

  it('tells the backup substation’s duty contacts of an escalation and a re-notification, not the enterprise', () => {
    for (const type of ['incident.escalated', 'incident.renotified'] as const) {
      expect(recipients(event({ type, backupSubstationIds: ['S2'] }))).toEqual([
        'webhook:command-center',
        'webhook:contact:duty-s1',
        'webhook:contact:duty-s2',
      ]);
    }
  });

  it('tells only the command center of events outside incidents', () => {
    for (const type of ['device.offline', 'notification.failed'] as const) {
      expect(recipients(event({ type, grade: null, incidentId: null, substationId: null }))).toEqual([
        `webhook:${COMMAND_CENTER_RECIPIENT}`,
      ]);
    }
  });

  it('tells the enterprise’s responsible contact and its substation’s duty contacts of an overdue hazard, of any severity', () => {
    for (const grade of ['red', 'blue'] as const) {
      expect(recipients(event({ type: 'hazard.overdue', grade, incidentId: null }))).toEqual([
        'webhook:command-center',
        'webhook:contact:resp-e1',
        'webhook:contact:duty-s1',
      ]);
    }
    expect(recipients(event({ type: 'hazard.overdue', incidentId: null, substationId: null }))).toEqual([
      'webhook:command-center',
      'webhook:contact:resp-e1',
    ]);
  });

  it('skips retired contacts, other roles and contacts of other substations or enterprises', () => {
    const all = recipients(event());
    expect(all).not.toContain('webhook:contact:retired-s1');
    expect(all).not.toContain('webhook:contact:mgr-s1');
    expect(all).not.toContain('webhook:contact:duty-s2');
    expect(all).not.toContain('webhook:contact:resp-e2');
  });

  it('tells a retired contact of nothing, whatever route names it', () => {
    const everyone = parseNotificationRoutes({
      routes: [{ events: ['incident.escalated'], to: ['substation-duty', 'backup-duty', 'enterprise-responsible'] }],
    });
    const all = recipients(event({ type: 'incident.escalated', backupSubstationIds: ['S2'] }), everyone);
    expect(all).toEqual(['webhook:contact:duty-s1', 'webhook:contact:duty-s2', 'webhook:contact:resp-e1']);
  });

  it('keeps a route to its grades, and a graded route never matches an event without a grade', () => {
    const routes = parseNotificationRoutes({
      routes: [{ events: ['incident.opened', 'device.offline'], grades: ['red'], to: ['command-center'] }],
    });
    expect(recipients(event({ grade: 'red' }), routes)).toEqual(['webhook:command-center']);
    expect(recipients(event({ grade: 'orange' }), routes)).toEqual([]);
    expect(recipients(event({ type: 'device.offline', grade: null }), routes)).toEqual([]);
  });

  it('sends only on configured channels, once per (channel, recipient) however many routes name it', () => {
    const routes = parseNotificationRoutes({
      routes: [
        { events: ['incident.opened'], to: ['command-center', 'substation-duty'], channels: ['webhook', 'email'] },
        { events: ['incident.opened'], to: ['substation-duty'] },
      ],
    });
    expect(recipients(event(), routes, ['webhook'] as const)).toEqual(['webhook:command-center', 'webhook:contact:duty-s1']);
    expect(routeNotifications(event(), CONTACTS, routes, ['webhook', 'email']).map((n) => `${n.channel}:${n.recipient}`)).toEqual([
      'webhook:command-center',
      'webhook:contact:duty-s1',
      'email:command-center',
      'email:contact:duty-s1',
    ]);
    expect(routeNotifications(event(), CONTACTS, routes, [])).toEqual([]);
  });

  it('gives each delivery an idempotency key of event, channel and recipient, the same every time the event is routed', () => {
    const first = routeNotifications(event(), CONTACTS, DEFAULT_NOTIFICATION_ROUTES, ['webhook']);
    expect(first.map((n) => n.idempotencyKey)).toEqual([
      'I1|incident.opened|1000|||webhook|command-center',
      'I1|incident.opened|1000|||webhook|contact:duty-s1',
      'I1|incident.opened|1000|||webhook|contact:resp-e1',
    ]);
    expect(routeNotifications(event(), CONTACTS, DEFAULT_NOTIFICATION_ROUTES, ['webhook'])).toEqual(first);
  });

  it('refuses a routes document naming an unknown event, recipient kind, grade or channel, naming the field', () => {
    expect(() => parseNotificationRoutes({ routes: [{ events: ['incident.lost'], to: ['command-center'] }] })).toThrow(
      /routes\.0\.events\.0/,
    );
    expect(() => parseNotificationRoutes({ routes: [{ events: ['incident.opened'], to: ['mayor'] }] })).toThrow(/routes\.0\.to\.0/);
    expect(() => parseNotificationRoutes({ routes: [{ events: ['incident.opened'], grades: ['pink'], to: ['command-center'] }] })).toThrow(
      /routes\.0\.grades\.0/,
    );
    expect(() => parseNotificationRoutes({ routes: [{ events: ['incident.opened'], to: ['command-center'], channels: ['fax'] }] })).toThrow(
      /routes\.0\.channels\.0/,
    );
    expect(() => parseNotificationRoutes({ routes: [{ events: [], to: ['command-center'] }] })).toThrow(/routes\.0\.events/);
    expect(() => parseNotificationRoutes([])).toThrow(/invalid notification routes/);
  });
});

describe('incident events as notifiable events', () => {
  const incident: IncidentSnapshotV1 = {
    id: 'I1',
    enterpriseId: 'E1',
    substationId: 'S3',
    grade: 'orange',
    level: 1,
    status: 'dispatched',
    dispatchedAt: 1000,
    resolvedAt: null,
    assignmentReason: 'nearest',
    backupSubstationIds: ['S4'],
    alarmIds: [],
    milestones: [],
    escalations: [],
  };
  const bus = (over: Partial<IncidentEventV2>): IncidentEventV2 => ({
    v: 2,
    type: 'incident.opened',
    incidentId: 'I1',
    enterpriseId: 'E1',
    substationId: 'S3',
    incident,
    at: 5000,
    correlationId: 'c',
    ...over,
  });

  it('maps the bus’s event types onto the notified ones and leaves milestones to the live stream', () => {
    expect(notifiableIncidentEvent(bus({ type: 'incident.opened' }))?.type).toBe('incident.opened');
    expect(notifiableIncidentEvent(bus({ type: 'incident.graded' }))?.type).toBe('incident.graded');
    expect(
      notifiableIncidentEvent(bus({ type: 'incident.escalation', milestone: 'acknowledged', backupSubstationId: 'S5' })),
    ).toMatchObject({
      type: 'incident.escalated',
      backupSubstationIds: ['S5'],
    });
    expect(notifiableIncidentEvent(bus({ type: 'incident.renotify', milestone: 'acknowledged', renotification: 2 }))).toMatchObject({
      type: 'incident.renotified',
      backupSubstationIds: ['S4'],
    });
    expect(notifiableIncidentEvent(bus({ type: 'incident.resolved' }))?.type).toBe('incident.resolved');
    expect(notifiableIncidentEvent(bus({ type: 'incident.milestone', milestone: 'acknowledged' }))).toBeNull();
  });

  it('names each event by what it is: the same event twice has one source id, two re-notifications have two', () => {
    const a = notifiableIncidentEvent(bus({ type: 'incident.renotify', milestone: 'acknowledged', renotification: 1 }));
    const again = notifiableIncidentEvent(
      bus({ type: 'incident.renotify', milestone: 'acknowledged', renotification: 1, correlationId: 'other' }),
    );
    const b = notifiableIncidentEvent(bus({ type: 'incident.renotify', milestone: 'acknowledged', renotification: 2 }));
    expect(a?.sourceId).toBe(again?.sourceId);
    expect(a?.sourceId).not.toBe(b?.sourceId);
    expect(a).toMatchObject({ grade: 'orange', incidentId: 'I1', enterpriseId: 'E1', substationId: 'S3' });
  });
});
