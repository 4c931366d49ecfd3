import { incidentResolveBody } from './query-schemas';

const issues = (body: unknown) => {
  const result = incidentResolveBody.safeParse(body);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
};

describe('incidentResolveBody', () => {
  it('takes an outcome, a false alarm with its cause, a note and the substation acted for', () => {
    expect(incidentResolveBody.parse({ outcome: 'false-alarm', cause: 'insects', note: 'spider', substationId: 'S2' })).toEqual({
      outcome: 'false-alarm',
      cause: 'insects',
      note: 'spider',
      substationId: 'S2',
    });
    expect(incidentResolveBody.parse({ outcome: 'confirmed-fire' })).toEqual({ outcome: 'confirmed-fire' });
  });

  it.each([
    [{}, ['outcome']],
    [{ outcome: 'fire' }, ['outcome']],
    [{ outcome: 'false-alarm' }, ['cause']],
    [{ outcome: 'false-alarm', cause: 'ghosts' }, ['cause']],
    [{ outcome: 'test', cause: 'dust' }, ['cause']],
    [{ outcome: 'other', note: 'x'.repeat(2001) }, ['note']],
    [{ outcome: 'other', extra: 1 }, ['']],
  ])('refuses %j, naming each bad field once', (body, paths) => {
    expect(issues(body)).toEqual(paths);
  });
});
