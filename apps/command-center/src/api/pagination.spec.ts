import type { Request } from 'express';
import { z } from 'zod';
import { cursorParam, offerNextPage } from './pagination';

function request(originalUrl: string) {
  const headers: Record<string, string> = {};
  const req = { originalUrl, res: { setHeader: (name: string, value: string) => (headers[name] = value) } } as unknown as Request;
  return { req, headers };
}

describe('list pagination', () => {
  const sut = cursorParam(z.strictObject({ at: z.iso.datetime().transform((s) => new Date(s)), id: z.string() }));
  const items = [
    { id: 'a-1', at: '2026-11-25T10:00:00.000Z' },
    { id: 'a-2', at: '2026-11-25T09:00:00.000Z' },
  ];
  const cursorOf = (i: (typeof items)[number]) => ({ at: i.at, id: i.id });

  it('offers the next page of a full one as X-Next-Cursor and a Link that repeats the request with the cursor for the offset', () => {
    const { req, headers } = request('/api/alarms?grade=red&offset=40&limit=2');
    offerNextPage(req, items, 2, cursorOf);

    const cursor = headers['X-Next-Cursor'];
    expect(sut.parse(cursor)).toEqual({ at: new Date('2026-11-25T09:00:00.000Z'), id: 'a-2' });
    expect(headers.Link).toBe(`</api/alarms?grade=red&limit=2&cursor=${cursor}>; rel="next"`);
  });

  it('offers none after a page that is not full', () => {
    const { req, headers } = request('/api/alarms?limit=3');
    offerNextPage(req, items, 3, cursorOf);
    offerNextPage(req, [], 3, cursorOf);
    expect(headers).toEqual({});
  });

  it.each([
    ['not base64 JSON', 'garbage!'],
    ['another list', Buffer.from(JSON.stringify({ id: 'E0001' })).toString('base64url')],
    ['a bad time', Buffer.from(JSON.stringify({ at: 'yesterday', id: 'a-1' })).toString('base64url')],
  ])('refuses a cursor that is %s', (_, text) => {
    const result = sut.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toBe('not a cursor this list gave out (X-Next-Cursor)');
  });
});
