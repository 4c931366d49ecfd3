import { PrivatePostgres, TlsFixtures } from '@app/testing';
import { recordingLogger } from '@app/testing/storage-backends';
import { openPgClient } from './pg-client';

/** DATABASE_CA with sslmode=verify-full, against a PostgreSQL of the spec's own with ssl=on and a certificate for localhost only. */
describe('pg client over TLS (verify-full)', () => {
  const fixtures = new TlsFixtures();
  const postgres = new PrivatePostgres({ server: fixtures.issue({ name: 'postgres', commonName: 'localhost', hosts: ['localhost'] }) });

  beforeAll(() => postgres.start(), 60_000);
  afterAll(async () => {
    await postgres.dispose();
    fixtures.dispose();
  });

  it('connects over TLS when the certificate is the CA’s and for the host name', async () => {
    const sql = await openPgClient(postgres.url('localhost'), recordingLogger(), fixtures.ca.cert);
    try {
      await expect(sql.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).resolves.toEqual([{ ssl: true }]);
      await expect(sql.bulk.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).resolves.toEqual([{ ssl: true }]);
    } finally {
      await sql.close();
    }
  });

  it('refuses a server whose certificate another CA signed', async () => {
    await expect(openPgClient(postgres.url('localhost'), recordingLogger(), fixtures.otherAuthority().cert)).rejects.toThrow(
      /self-signed certificate|unable to verify the first certificate/,
    );
  });

  it('refuses a server reached by a name its certificate is not for', async () => {
    await expect(openPgClient(postgres.url('127.0.0.1'), recordingLogger(), fixtures.ca.cert)).rejects.toThrow(
      /IP: 127.0.0.1 is not in the cert's list/,
    );
  });
});
