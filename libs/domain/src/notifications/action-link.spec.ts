import { createHmac } from 'node:crypto';
import { ActionLinkClaims, offersActionLinks, signActionLink, verifyActionLink } from './action-link';

const SECRET = 'link-secret';
const claims: ActionLinkClaims = { linkId: 'L1', incidentId: 'INC-7', action: 'acknowledge', contactId: 'YK-C07' };

/** Replaces the claims part of a token by other claims, keeping the signature. */
const withClaims = (token: string, other: unknown[]) =>
  `${Buffer.from(JSON.stringify(other)).toString('base64url')}.${token.split('.')[1]}`;

describe('action links', () => {
  it('gives back what was signed', () => {
    expect(verifyActionLink(SECRET, signActionLink(SECRET, claims))).toEqual({ ok: true, claims });
    const arrive = { ...claims, action: 'arrive' as const };
    expect(verifyActionLink(SECRET, signActionLink(SECRET, arrive))).toEqual({ ok: true, claims: arrive });
  });

  it('is URL-safe as it is', () => {
    const token = signActionLink(SECRET, { ...claims, contactId: 'Ünïcode ? & / contact' });
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('refuses a token signed with another secret', () => {
    expect(verifyActionLink(SECRET, signActionLink('other', claims))).toEqual({ ok: false, reason: 'FORGED' });
  });

  it.each([
    ['another incident', ['L1', 'INC-8', 'acknowledge', 'YK-C07']],
    ['another action', ['L1', 'INC-7', 'arrive', 'YK-C07']],
    ['another contact', ['L1', 'INC-7', 'acknowledge', 'YK-C08']],
    ['another link id (a replay under a fresh id)', ['L2', 'INC-7', 'acknowledge', 'YK-C07']],
  ])('refuses the signature of one link carried over to %s', (_, other) => {
    expect(verifyActionLink(SECRET, withClaims(signActionLink(SECRET, claims), other))).toEqual({ ok: false, reason: 'FORGED' });
  });

  it('refuses another spelling of the same signature (the spare bits of its last base64url character)', () => {
    const token = signActionLink(SECRET, claims);
    const last = token.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBits = alphabet[alphabet.indexOf(last) + 1];
    expect(Buffer.from(`${token.split('.')[1].slice(0, -1)}${sameBits}`, 'base64url')).toEqual(
      Buffer.from(token.split('.')[1], 'base64url'),
    );
    expect(verifyActionLink(SECRET, `${token.slice(0, -1)}${sameBits}`)).toEqual({ ok: false, reason: 'FORGED' });
  });

  it('refuses a signature cut short or lengthened', () => {
    const [body, sig] = signActionLink(SECRET, claims).split('.');
    expect(verifyActionLink(SECRET, `${body}.${sig.slice(0, -2)}`)).toEqual({ ok: false, reason: 'FORGED' });
    expect(verifyActionLink(SECRET, `${body}.${sig}AA`)).toEqual({ ok: false, reason: 'FORGED' });
  });

  it.each([
    ['empty', ''],
    ['no signature', 'abc'],
    ['three parts', 'a.b.c'],
    ['characters outside base64url', 'a+b.c/d'],
    ['far too long', `${'a'.repeat(2000)}.b`],
  ])('calls a token that is not one malformed: %s', (_, token) => {
    expect(verifyActionLink(SECRET, token)).toEqual({ ok: false, reason: 'MALFORMED' });
  });

  it('calls well-signed claims of the wrong shape malformed (an action it does not know, a missing field)', () => {
    // Signed with the real secret, as a bug on our side would sign it.
    const sign = (value: unknown) => {
      const body = Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${body}.${createHmac('sha256', SECRET).update(`zone-action-link.${body}`).digest('base64url')}`;
    };
    expect(verifyActionLink(SECRET, sign(['L1', 'INC-7', 'resolve', 'YK-C07']))).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(verifyActionLink(SECRET, sign(['L1', 'INC-7', 'acknowledge']))).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(verifyActionLink(SECRET, sign({ linkId: 'L1' }))).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(verifyActionLink(SECRET, sign(['L1', '', 'acknowledge', 'YK-C07']))).toEqual({ ok: false, reason: 'MALFORMED' });
  });

  it('offers links while the crew has something to do, not once the incident is resolved', () => {
    expect(['incident.opened', 'incident.graded', 'incident.escalated', 'incident.renotified'].every(offersActionLinks)).toBe(true);
    expect(offersActionLinks('incident.resolved')).toBe(false);
    expect(offersActionLinks('hazard.overdue')).toBe(false);
  });
});
