import { pgConnectionOptions } from './pg-connection-options';

describe('pgConnectionOptions', () => {
  it('leaves a URL alone without a CA, its sslmode to pg', () => {
    expect(pgConnectionOptions('postgres://zone@db:5432/zone?sslmode=verify-full', undefined)).toEqual({
      connectionString: 'postgres://zone@db:5432/zone?sslmode=verify-full',
    });
  });

  it('with a CA verifies the server against it, the URL no longer saying anything about TLS', () => {
    expect(
      pgConnectionOptions('postgres://zone:pw@db:5432/zone?sslmode=verify-full&sslrootcert=/x.pem&application_name=risk', 'CA PEM'),
    ).toEqual({
      connectionString: 'postgres://zone:pw@db:5432/zone?application_name=risk',
      ssl: { ca: 'CA PEM', rejectUnauthorized: true },
    });
  });
});
