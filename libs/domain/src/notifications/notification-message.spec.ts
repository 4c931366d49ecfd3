import type { IncidentSnapshotV1 } from '@app/contracts';
import { notificationMessage, SMS_MAX_CHARS, type NotificationMessageInput } from './notification-message';

const T0 = Date.parse('2026-03-02T08:00:00Z');
const incident: IncidentSnapshotV1 = {
  id: 'I-7',
  enterpriseId: 'E1',
  substationId: 'S3',
  grade: 'orange',
  level: 2,
  status: 'acknowledged',
  dispatchedAt: T0,
  resolvedAt: null,
  assignmentReason: 'nearest',
  backupSubstationIds: [],
  alarmIds: [],
  milestones: [
    { name: 'acknowledged', dueAt: T0 + 60_000, at: T0 + 30_000, by: 'Li', escalatedAt: null, renotifications: 0 },
    { name: 'onScene', dueAt: T0 + 180_000, at: null, by: null, escalatedAt: null, renotifications: 0 },
    { name: 'underControl', dueAt: T0 + 300_000, at: null, by: null, escalatedAt: null, renotifications: 0 },
  ],
  escalations: [],
};
const input = (over: Partial<NotificationMessageInput> = {}): NotificationMessageInput => ({
  type: 'incident.escalated',
  at: new Date(T0 + 200_000).toISOString(),
  incident,
  enterpriseName: 'Acme Plastics',
  substationName: 'Riverside',
  ...over,
});

describe('notification messages', () => {
  it('writes a subject and plain-text body with the incident, enterprise, grade, event, substation and due times', () => {
    const m = notificationMessage(input(), 'd-1');
    expect(m.subject).toBe('[ZONE ORANGE] Incident escalated: Acme Plastics (E1) - incident I-7');
    expect(m.text.split('\n')).toEqual([
      'Incident escalated (incident.escalated)',
      '',
      'Incident:   I-7',
      'Enterprise: Acme Plastics (E1)',
      'Grade:      ORANGE (level 2)',
      'Substation: Riverside (S3)',
      'Status:     acknowledged',
      'Event at:   2026-03-02 08:03:20 UTC',
      'Dispatched: 2026-03-02 08:00:00 UTC',
      '',
      'Due:',
      '  Acknowledge: due 2026-03-02 08:01:00 UTC (done 2026-03-02 08:00:30 UTC)',
      '  On scene: due 2026-03-02 08:03:00 UTC (open)',
      '  Under control: due 2026-03-02 08:05:00 UTC (open)',
      '',
      'Delivery d-1',
      '',
    ]);
  });

  it("gives a substation's contact its action links in the mail, never in the 160 characters of a text", () => {
    const actions = { acknowledge: 'https://zone.example/actions/a.b', arrive: 'https://zone.example/actions/c.d' };
    const m = notificationMessage(input({ actions }), 'd-1');
    expect(m.text).toContain('  Acknowledge: https://zone.example/actions/a.b\n');
    expect(m.text).toContain('  On scene:    https://zone.example/actions/c.d\n');
    expect(m.short).toBe(notificationMessage(input(), 'd-1').short);
    expect(notificationMessage(input(), 'd-1').text).not.toContain('/actions/');
  });

  it('texts the next open deadline, none once resolved', () => {
    expect(notificationMessage(input(), 'd-1').short).toBe(
      'ZONE ORANGE: Incident escalated I-7 at Acme Plastics (E1), substation Riverside (S3). On scene by 08:03Z.',
    );
    const resolved = notificationMessage(input({ type: 'incident.resolved', incident: { ...incident, resolvedAt: T0 + 400_000 } }), 'd-1');
    expect(resolved.short).toBe('ZONE ORANGE: Incident resolved I-7 at Acme Plastics (E1), substation Riverside (S3).');
    expect(resolved.text).toContain('Resolved:   2026-03-02 08:06:40 UTC');
    expect(resolved.text).not.toContain('Outcome:');
    const withOutcome = notificationMessage(
      input({
        type: 'incident.resolved',
        incident: { ...incident, resolvedAt: T0 + 400_000, resolution: { outcome: 'false-alarm', cause: 'steam', note: 'kettle' } },
      }),
      'd-1',
    );
    expect(withOutcome.text).toContain('Outcome:    false-alarm (steam) - kettle');
  });

  it('shows ids alone when the names are unknown', () => {
    const m = notificationMessage(input({ enterpriseName: undefined, substationName: undefined }), 'd-1');
    expect(m.subject).toBe('[ZONE ORANGE] Incident escalated: E1 - incident I-7');
    expect(m.short).toBe('ZONE ORANGE: Incident escalated I-7 at E1, substation S3. On scene by 08:03Z.');
  });

  it('keeps a text within 160 characters, dropping names before the incident, grade and deadline', () => {
    const long = notificationMessage(
      input({ enterpriseName: 'Very Long Enterprise Name '.repeat(3), substationName: 'Far Away Substation '.repeat(3) }),
      'd',
    );
    expect([...long.short].length).toBeLessThanOrEqual(SMS_MAX_CHARS);
    expect(long.short).toMatch(/^ZONE ORANGE: Incident escalated I-7 at Very Long/);
    expect(long.short).toMatch(/substation S3\. On scene by 08:03Z\.$/);
    const huge = notificationMessage(input({ enterpriseName: 'X'.repeat(300) }), 'd');
    expect(huge.short).toBe('ZONE ORANGE: Incident escalated I-7 at E1, substation S3. On scene by 08:03Z.');
  });

  it('is the same message for the same payload: a retry repeats it', () => {
    expect(notificationMessage(input(), 'd-1')).toEqual(notificationMessage(input(), 'd-1'));
  });
});
