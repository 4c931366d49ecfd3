import { Client } from 'pg';
import { createPgDatabase } from '@app/testing/storage-backends';
import { waitFor } from '@app/testing';
import { AllInOneHarness } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

/**
 * Alarms first: with the readings table locked (a bulk insert that takes
 * long), a smoke reading still raises its alarm; the device gets its
 * acknowledgement only once the reading is stored, and then it is.
 */
describe('alarms do not wait for the storage of their readings', () => {
  let db: { url: string; drop(): Promise<void> };
  let sut: AllInOneHarness;
  let locker: Client;

  beforeAll(async () => {
    db = await createPgDatabase();
    sut = new AllInOneHarness(AllInOneModule, { DATABASE_URL: db.url });
    await sut.start();
    locker = new Client({ connectionString: db.url });
    await locker.connect();
  });

  afterAll(async () => {
    await locker?.end();
    await sut?.dispose();
    await db?.drop();
  });

  it('raises the alarm of a reading whose insert is held, and acknowledges the reading once it is stored', async () => {
    const { body } = await sut.api('/api/devices?type=smoke_detector&limit=1');
    const { id: deviceId, enterpriseId } = body.items[0] as { id: string; enterpriseId: string };
    const device = await sut.device();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE readings IN EXCLUSIVE MODE');
      let acknowledged = false;
      const publish = device
        .publishAsync(
          `sites/${enterpriseId}/devices/${deviceId}/telemetry`,
          JSON.stringify({ ts: Date.now(), readings: { smoke: true } }),
          {
            qos: 1,
          },
        )
        .then(() => (acknowledged = true));

      const alarms = await waitFor(async () => {
        const open = (await sut.api(`/api/alarms?status=open&enterpriseId=${enterpriseId}`)).body as Array<{ deviceId: string }>;
        return open.some((a) => a.deviceId === deviceId) ? open : undefined;
      });
      expect(alarms.some((a) => a.deviceId === deviceId)).toBe(true);
      expect(acknowledged).toBe(false);

      await locker.query('COMMIT');
      await publish;
      const stored = await waitFor(async () => {
        const [row] = (await locker.query<{ n: number }>(`SELECT count(*)::int AS n FROM readings WHERE device_id = $1`, [deviceId])).rows;
        return row.n > 0 ? row.n : undefined;
      });
      expect(stored).toBe(1);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await device.endAsync();
    }
  });
});
