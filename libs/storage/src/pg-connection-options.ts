import type { PoolConfig } from 'pg';

/** The URL parameters by which pg would set up TLS itself, overriding an `ssl` option given beside the URL. */
const URL_TLS_PARAMETERS = ['ssl', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'uselibpqcompat'];

/**
 * How a pool reaches PostgreSQL at `url`. With a CA (DATABASE_CA) the server's
 * certificate is verified against it and its host name checked (verify-full):
 * pg lets what the URL says about TLS replace the `ssl` option, so the URL's
 * TLS parameters are taken out and the option says it all.
 */
export function pgConnectionOptions(url: string, ca: string | undefined): Pick<PoolConfig, 'connectionString' | 'ssl'> {
  if (ca === undefined) return { connectionString: url };
  const withoutTls = new URL(url);
  for (const parameter of URL_TLS_PARAMETERS) withoutTls.searchParams.delete(parameter);
  return { connectionString: withoutTls.toString(), ssl: { ca, rejectUnauthorized: true } };
}
