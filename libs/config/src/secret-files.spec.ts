import { resolveSecretFiles, SECRET_VARIABLES, SecretFileError } from './secret-files';

describe('resolveSecretFiles', () => {
  const files: Record<string, string> = {
    '/run/secrets/db': 'postgres://zone:s3cret@db/zone\n',
    '/run/secrets/token': 'abc\r\n',
    '/run/secrets/two-lines': 'line one\nline two\n\n',
  };
  const readTextFile = (path: string): string => {
    if (!(path in files)) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return files[path];
  };

  it('reads <NAME>_FILE into <NAME>, one trailing newline trimmed', () => {
    const sut = resolveSecretFiles(
      { DATABASE_URL_FILE: '/run/secrets/db', OPERATOR_TOKEN_FILE: '/run/secrets/token', PORT: '3000' },
      readTextFile,
    );
    expect(sut).toEqual({ DATABASE_URL: 'postgres://zone:s3cret@db/zone', OPERATOR_TOKEN: 'abc', PORT: '3000' });
  });

  it('keeps everything but the last newline of the file', () => {
    expect(resolveSecretFiles({ MQTT_PASSWORD_FILE: '/run/secrets/two-lines' }, readTextFile).MQTT_PASSWORD).toBe('line one\nline two\n');
  });

  it('leaves an environment without _FILE variables as it is', () => {
    expect(resolveSecretFiles({ MQTT_PASSWORD: 'p', DATABASE_URL_FILE: ' ' }, readTextFile)).toEqual({
      MQTT_PASSWORD: 'p',
      DATABASE_URL_FILE: ' ',
    });
  });

  it('refuses both a variable and its file, naming the two', () => {
    expect(() => resolveSecretFiles({ KAFKA_SASL_PASSWORD: 'p', KAFKA_SASL_PASSWORD_FILE: '/run/secrets/token' }, readTextFile)).toThrow(
      new SecretFileError('KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE are both set: set one of them'),
    );
  });

  it('refuses a file it cannot read, naming the variable and the path', () => {
    expect(() => resolveSecretFiles({ NOTIFY_WEBHOOK_SECRET_FILE: '/run/secrets/missing' }, readTextFile)).toThrow(
      /^NOTIFY_WEBHOOK_SECRET_FILE: cannot read \/run\/secrets\/missing \(ENOENT/,
    );
  });

  it.each(SECRET_VARIABLES.map((name) => [name]))('takes %s from a file', (name) => {
    expect(resolveSecretFiles({ [`${name}_FILE`]: '/run/secrets/token' }, readTextFile)[name]).toBe('abc');
  });
});
