import type { Request } from 'express';
import { z } from 'zod';

const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

/**
 * The `cursor` query parameter of a list: the sort key of the last item of the page before, as the list's
 * `payload` schema describes it (JSON, base64url), so a cursor from another list or made up is a 400.
 */
export function cursorParam<P extends z.ZodType>(payload: P) {
  return z
    .string()
    .max(512)
    .transform((text, ctx): z.output<P> => {
      const parsed = payload.safeParse(parseJson(Buffer.from(text, 'base64url').toString('utf8')));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: `not a cursor this list gave out (${NEXT_CURSOR_HEADER})` });
      return z.NEVER;
    });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A full page may have a next one: its cursor goes out as X-Next-Cursor and as a Link rel="next" that repeats
 * the request with `cursor` in place of `offset`. Pages by cursor do not shift when new items arrive at the
 * head of the list; a page that is not full is the last one (a full last page is followed by an empty one).
 */
export function offerNextPage<T>(req: Request, items: readonly T[], limit: number, cursorOf: (last: T) => object): void {
  if (items.length === 0 || items.length < limit) return;
  const cursor = Buffer.from(JSON.stringify(cursorOf(items[items.length - 1]))).toString('base64url');
  const next = new URL(req.originalUrl, 'http://localhost');
  next.searchParams.delete('offset');
  next.searchParams.set('cursor', cursor);
  req.res!.setHeader(NEXT_CURSOR_HEADER, cursor);
  req.res!.setHeader('Link', `<${next.pathname}${next.search}>; rel="next"`);
}
