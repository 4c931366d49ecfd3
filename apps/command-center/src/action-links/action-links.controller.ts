import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { errorBodyOf } from '../api/api-error.filter';
import { ActionLinkService, UsableLink } from './action-link.service';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const VERB = { acknowledge: 'Acknowledge', arrive: 'Report arrival at' } as const;

/** A page a phone shows well: one message, at most one button. */
function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escape(title)}</title>
<style>body{font:18px system-ui,sans-serif;margin:2rem auto;max-width:32rem;padding:0 1rem}button{font-size:1.3rem;padding:.8rem 1.6rem}</style>
</head><body><h1>${escape(title)}</h1>${body}</body></html>`;
}

const confirmPage = ({ claims, contact, incident }: UsableLink) => {
  const due = incident.milestones.find((m) => m.name === (claims.action === 'acknowledge' ? 'acknowledged' : 'onScene'))?.dueAt;
  return page(
    `${VERB[claims.action]} incident ${incident.id}`,
    `<p>Incident <b>${escape(incident.id)}</b> at enterprise <b>${escape(incident.enterpriseId)}</b>, grade <b>${escape(incident.grade)}</b>,
assigned to ${escape(incident.substationId)}.</p><p>As <b>${escape(contact.name)}</b> (${escape(contact.substationId)}).${
      due ? ` Due by ${escape(due)}.` : ''
    }</p><form method="post"><button type="submit">${VERB[claims.action]} now</button></form>`,
  );
};

/**
 * The links in notifications to a substation: opening one shows what it will do (mail scanners and link
 * previews open links too, so a GET changes nothing); the button POSTs it. Outside /api: no token, the signed
 * link is the credential. A POST answers JSON unless it came from the page's form.
 */
@Controller('actions')
@ApiTags('action links')
export class ActionLinksController {
  constructor(private readonly links: ActionLinkService) {}

  @Get(':token')
  @ApiOperation({ summary: 'The page of an action link from a notification: what it will do, and its button' })
  @ApiParam({ name: 'token', description: 'the signed link token' })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'the confirmation page' })
  @ApiResponse({ status: 403, description: 'LINK_FORGED or CONTACT_INACTIVE' })
  @ApiResponse({ status: 409, description: 'LINK_USED' })
  @ApiResponse({ status: 410, description: 'INCIDENT_RESOLVED: the link expired with its incident' })
  async show(@Param('token') token: string, @Res() res: Response): Promise<void> {
    try {
      send(res, 200, confirmPage(await this.links.inspect(token)));
    } catch (e) {
      const error = errorBodyOf(e);
      send(res, error.statusCode, page('This link cannot be used', `<p>${escape(error.message)} (${escape(error.code)})</p>`));
    }
  }

  @Post(':token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Use an action link: acknowledge or report arrival as the contact it was sent to, once' })
  @ApiParam({ name: 'token', description: 'the signed link token' })
  @ApiResponse({ status: 200, description: 'the incident with the milestone recorded' })
  @ApiResponse({ status: 400, description: 'LINK_MALFORMED' })
  @ApiResponse({ status: 403, description: 'LINK_FORGED, CONTACT_INACTIVE or WRONG_SUBSTATION' })
  @ApiResponse({ status: 409, description: 'LINK_USED, ALREADY_DONE or OUT_OF_ORDER (arrival before acknowledgement)' })
  @ApiResponse({ status: 410, description: 'INCIDENT_RESOLVED' })
  async use(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const fromForm = req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
    try {
      const { link, incident } = await this.links.use(token);
      if (!fromForm) {
        res.status(200).json(incident);
        return;
      }
      const milestone = incident.milestones.find((m) => m.name === (link.claims.action === 'acknowledge' ? 'acknowledged' : 'onScene'));
      send(
        res,
        200,
        page(
          'Recorded',
          `<p>${escape(VERB[link.claims.action])} incident ${escape(incident.id)} recorded at ${escape(milestone?.at ?? '')} by ${escape(
            link.contact.name,
          )}${milestone?.met === false ? ' (late)' : ''}.</p>`,
        ),
      );
    } catch (e) {
      const error = errorBodyOf(e);
      if (!fromForm) res.status(error.statusCode).json(error);
      else send(res, error.statusCode, page('Not recorded', `<p>${escape(error.message)} (${escape(error.code)})</p>`));
    }
  }
}

function send(res: Response, status: number, html: string): void {
  res.status(status).setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.send(html);
}
