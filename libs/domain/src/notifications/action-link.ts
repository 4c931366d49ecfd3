import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a crew can do from a message without signing in. */
export const LINK_ACTIONS = ['acknowledge', 'arrive'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

/** What a link says, signed: one action on one incident by one contact; `linkId` makes it single-use. */
export interface ActionLinkClaims {
  linkId: string;
  incidentId: string;
  action: LinkAction;
  contactId: string;
}

export type ActionLinkCheck = { ok: true; claims: ActionLinkClaims } | { ok: false; reason: 'MALFORMED' | 'FORGED' };

const MAX_TOKEN_CHARS = 1024;

const mac = (secret: string, body: string) => createHmac('sha256', secret).update(`zone-action-link.${body}`).digest();

/** `<base64url JSON claims>.<base64url HMAC-SHA256>`: short enough for an SMS, opaque to whoever holds it. */
export function signActionLink(secret: string, claims: ActionLinkClaims): string {
  const body = Buffer.from(JSON.stringify([claims.linkId, claims.incidentId, claims.action, claims.contactId])).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/**
 * The claims of a token signed with `secret`, or why not: malformed (not a token at all) or forged (the signature
 * does not match, so a changed incident, action or contact is refused). Whether it is used or still valid is
 * the caller's to decide, from the store and the incident.
 */
export function verifyActionLink(secret: string, token: string): ActionLinkCheck {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'MALFORMED' };
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[\w-]+$/.test(parts[0]) || !/^[\w-]+$/.test(parts[1])) return { ok: false, reason: 'MALFORMED' };
  const [body, signature] = parts;
  const expected = mac(secret, body);
  const given = Buffer.from(signature, 'base64url');
  // Only the one spelling we issue: base64url has spare bits in its last character, so other spellings decode alike.
  const canonical = given.toString('base64url') === signature;
  if (!canonical || given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'FORGED' };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'MALFORMED' };
  }
  if (!Array.isArray(decoded) || decoded.length !== 4 || !decoded.every((x) => typeof x === 'string' && x.length > 0)) {
    return { ok: false, reason: 'MALFORMED' };
  }
  const [linkId, incidentId, action, contactId] = decoded as string[];
  if (!(LINK_ACTIONS as readonly string[]).includes(action)) return { ok: false, reason: 'MALFORMED' };
  return { ok: true, claims: { linkId, incidentId, action: action as LinkAction, contactId } };
}

/** Which events give a substation's contacts links: those where the crew still has something to do. */
export function offersActionLinks(event: string): boolean {
  return event === 'incident.opened' || event === 'incident.graded' || event === 'incident.escalated' || event === 'incident.renotified';
}
