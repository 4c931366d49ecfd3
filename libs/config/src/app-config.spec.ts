import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('gives the embedded defaults of SPEC.md on an empty environment', () => {
    const sut = loadConfig({});
    expect(sut).toMatchObject({ PORT: 3000, MQTT_PORT: 1883, DATA_DIR: './data' });
    expect(sut.TIMELINE_SECONDS).toEqual({ acknowledgeS: 60, onSceneS: 180, underControlS: 300 });
    expect(sut.MQTT_URL).toBeUndefined();
    expect(sut.KAFKA_BROKERS).toBeUndefined();
    expect(sut.DATABASE_URL).toBeUndefined();
  });

  it('lets devices onto the embedded broker only with credentials unless told otherwise', () => {
    expect(loadConfig({}).MQTT_DEVICE_AUTH).toBe('required');
    expect(loadConfig({ MQTT_DEVICE_AUTH: 'off' }).MQTT_DEVICE_AUTH).toBe('off');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '  ' }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ MQTT_PORT: '70000' }, 'MQTT_PORT'],
    [{ TIMELINE_SECONDS: '60,180' }, 'TIMELINE_SECONDS'],
    [{ TIMELINE_SECONDS: '300,180,60' }, 'TIMELINE_SECONDS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ MQTT_DEVICE_AUTH: 'optional' }, 'MQTT_DEVICE_AUTH'],
  ])('refuses %j naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('reads short timeline durations for tests', () => {
    expect(loadConfig({ TIMELINE_SECONDS: '1,2,3' }).TIMELINE_SECONDS).toEqual({ acknowledgeS: 1, onSceneS: 2, underControlS: 3 });
  });
});
