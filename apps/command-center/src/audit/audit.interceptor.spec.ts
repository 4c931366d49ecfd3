import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { firstValueFrom, of, throwError } from 'rxjs';
import type { AuditEntry, AuditRepository } from '@app/storage';
import { AuditInterceptor } from './audit.interceptor';
import { AUDITED, auditChange, AuditedRequest } from './audited';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

function setup(audited: object | undefined) {
  const appended: AuditEntry[] = [];
  const audit = { append: async (e: AuditEntry) => void appended.push(e) } as unknown as AuditRepository;
  const handler = () => undefined;
  if (audited) Reflect.defineMetadata(AUDITED, audited, handler);
  const req = {
    method: 'POST',
    path: '/api/things',
    headers: { 'x-correlation-id': 'c-1' },
    principal: { tokenId: 't-1', name: 'chief', role: 'operator' },
    res: { setHeader: jest.fn() },
  } as unknown as AuditedRequest;
  const context = { getType: () => 'http', getHandler: () => handler, switchToHttp: () => ({ getRequest: () => req }) };
  const sut = new AuditInterceptor(new Reflector(), audit, { now: () => T0 });
  const run = (next: CallHandler) => firstValueFrom(sut.intercept(context as unknown as ExecutionContext, next));
  return { sut, req, appended, run };
}

describe('AuditInterceptor', () => {
  it('appends one record after a write that succeeded, with what the handler said it changed', async () => {
    const { req, appended, run } = setup({ entity: 'thing', action: 'thing.make' });
    const result = await run({ handle: () => (auditChange(req, { entityId: 'x', before: null, after: { n: 1 } }), of('ok')) });
    expect(result).toBe('ok');
    expect(appended).toEqual([
      {
        at: new Date(T0),
        actor: { tokenId: 't-1', name: 'chief', role: 'operator' },
        action: 'thing.make',
        entity: 'thing',
        entityId: 'x',
        before: null,
        after: { n: 1 },
        correlationId: 'c-1',
      },
    ]);
  });

  it('appends nothing when the write fails', async () => {
    const { appended, run } = setup({ entity: 'thing', action: 'thing.make' });
    await expect(run({ handle: () => throwError(() => new Error('404')) })).rejects.toThrow('404');
    expect(appended).toEqual([]);
  });

  it('refuses a write route without @Audited before its handler runs', () => {
    const { sut, req } = setup(undefined);
    const handle = jest.fn(() => of('ok'));
    const context = { getType: () => 'http', getHandler: () => () => undefined, switchToHttp: () => ({ getRequest: () => req }) };
    expect(() => sut.intercept(context as unknown as ExecutionContext, { handle })).toThrow(/without @Audited/);
    expect(handle).not.toHaveBeenCalled();
  });

  it('fails a handler that wrote without saying what it changed', async () => {
    const { appended, run } = setup({ entity: 'thing', action: 'thing.make' });
    await expect(run({ handle: () => of('ok') })).rejects.toThrow(/auditChange/);
    expect(appended).toEqual([]);
  });
});
