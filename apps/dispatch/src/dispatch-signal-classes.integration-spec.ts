import { Logger } from '@nestjs/common';
import { AlarmEventV1, SignalClass } from '@app/contracts';
import { loadConfig } from '@app/config';
import { generateZone, gradeEnterprise } from '@app/domain';
import { IncidentEvents, SubstationSnapshots } from '@app/incidents';
import { IncidentsRepository, ZoneRepository } from '@app/storage';
import { STORAGE_BACKENDS, TestDatabase } from '@app/testing/storage-backends';
import { ManualClock } from '@app/testing';
import { RecordingBus } from '@app/testing/incident-use-case-fixture';
import { BusMessage, ZoneChanges } from '@app/transport';
import { DeadlineScheduler } from './deadline-scheduler';
import { DispatchMetrics } from './dispatch.metrics';
import { DispatchService } from './dispatch.service';

const T0 = Date.UTC(2026, 11, 3, 8, 0, 0);

const RULES: Record<SignalClass, { ruleId: string; metric: AlarmEventV1['metric'] }> = {
  fire: { ruleId: 'smoke.alarm', metric: 'smoke' },
  alarm: { ruleId: 'gas_lel.high', metric: 'gas_lel' },
  supervisory: { ruleId: 'hydrant_pressure.low', metric: 'hydrant_pressure' },
  fault: { ruleId: 'device.fault', metric: 'fault' },
};

function alarm(enterpriseId: string, signalClass: SignalClass, grade: AlarmEventV1['grade'] = 'orange'): BusMessage<AlarmEventV1> {
  const alarmId = `${enterpriseId}-${signalClass}`;
  const value: AlarmEventV1 = {
    v: 1,
    type: 'alarm.raised',
    alarmId,
    deviceId: `${enterpriseId}-D01`,
    enterpriseId,
    ...RULES[signalClass],
    class: signalClass,
    grade,
    value: 1,
    message: `${signalClass} alarm`,
    raisedAt: T0,
    at: T0,
    correlationId: `c-${alarmId}`,
  };
  return { key: enterpriseId, value, headers: { correlationId: value.correlationId } };
}

describe.each(STORAGE_BACKENDS)('dispatch by signal class ($name)', (backend) => {
  let db: TestDatabase;
  let bus: RecordingBus;
  let sut: DispatchService;
  let incidents: IncidentsRepository;
  /** Two enterprises whose home stations are out, and the one station left with one free place. */
  let gasSite: string;
  let fireSite: string;
  let openStation: string;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(true));

  beforeEach(async () => {
    db = await backend.open();
    const zone = new ZoneRepository(db.sql);
    await zone.seedIfEmpty(generateZone({ enterprises: 40 }), gradeEnterprise, T0);
    const enterprises = await zone.listEnterprises();
    openStation = enterprises[0].substationId;
    const elsewhere = enterprises.filter((e) => e.substationId !== openStation);
    gasSite = elsewhere[0].id;
    fireSite = elsewhere.find((e) => e.substationId !== elsewhere[0].substationId)!.id;
    await db.sql.query(`UPDATE substations SET available = (id = $1), capacity = 1`, [openStation]);

    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const clock = new ManualClock(T0);
    bus = new RecordingBus();
    incidents = new IncidentsRepository(db.sql);
    const scheduler = { track: () => undefined } as unknown as DeadlineScheduler;
    sut = new DispatchService(
      bus,
      clock,
      config.dispatch,
      incidents,
      zone,
      new SubstationSnapshots(zone, incidents, clock, new ZoneChanges(bus)),
      scheduler,
      new DispatchMetrics(),
      new IncidentEvents(bus),
      new ZoneChanges(bus),
    );
    await sut.onApplicationBootstrap();
  });

  afterEach(async () => {
    await db.dispose();
  });

  const events = () => bus.published.map((m) => m.value);
  const opened = () =>
    events()
      .filter((e) => e.type === 'incident.opened')
      .map((e) => e.incident);

  it('dispatches the fire of a batch first, so it gets the one free place the gas alarm before it in the batch would have had', async () => {
    await sut.handleAlarms([alarm(gasSite, 'alarm'), alarm(fireSite, 'fire')]);

    expect(opened().map((i) => [i.enterpriseId, i.class, i.substationId, i.assignmentReason])).toEqual([
      [fireSite, 'fire', openStation, 'home-unavailable-nearest'],
      [gasSite, 'alarm', expect.not.stringMatching(openStation), 'all-busy-home'],
    ]);
  });

  it('keeps the last free place for a fire: the gas alarm waits for its home station, the fire after it still gets the place', async () => {
    await sut.handleAlarms([alarm(gasSite, 'alarm')]);
    await sut.handleAlarms([alarm(fireSite, 'fire')]);

    expect(opened().map((i) => [i.enterpriseId, i.substationId === openStation, i.assignmentReason])).toEqual([
      [gasSite, false, 'home-busy-kept-for-fire'],
      [fireSite, true, 'home-unavailable-nearest'],
    ]);
  });

  it('gives the free place to a gas alarm when no fire is waiting for it and two places are free', async () => {
    await db.sql.query(`UPDATE substations SET capacity = 2 WHERE id = $1`, [openStation]);
    await sut.handleAlarms([alarm(gasSite, 'alarm')]);
    expect(opened().map((i) => [i.substationId, i.assignmentReason])).toEqual([[openStation, 'home-unavailable-nearest']]);
  });

  it('never dispatches a crew for a fault, whatever grade it carries', async () => {
    await sut.handleAlarms([alarm(gasSite, 'fault', 'orange'), alarm(fireSite, 'fault', 'red')]);
    expect(bus.published).toEqual([]);
    expect(await incidents.list({ status: 'open' })).toEqual([]);
  });

  it('makes an open gas incident a fire when a fire alarm joins it, announcing the change', async () => {
    await sut.handleAlarms([alarm(gasSite, 'alarm')]);
    await sut.handleAlarms([alarm(gasSite, 'fire')]);
    expect(events().map((e) => [e.type, e.incident.class])).toEqual([
      ['incident.opened', 'alarm'],
      ['incident.graded', 'fire'],
    ]);
    const [incident] = await incidents.list({ status: 'open' });
    expect(incident).toMatchObject({ signalClass: 'fire', alarmIds: [`${gasSite}-alarm`, `${gasSite}-fire`].sort() });

    await sut.handleAlarms([alarm(gasSite, 'supervisory')]);
    expect((await incidents.list({ status: 'open' }))[0].signalClass).toBe('fire');
    expect(bus.published).toHaveLength(2);
  });
});
