import { ForbiddenException, GoneException, HttpException, HttpStatus, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { IncidentView } from '@app/contracts';
import { CLOCK } from '@app/config';
import { ActionLinkClaims, Clock, verifyActionLink } from '@app/domain';
import { AcknowledgeIncident, incidentSnapshot, RecordArrival } from '@app/incidents';
import { ActionLinksRepository, AuditRepository, IncidentsRepository } from '@app/storage';
import { renderIncident } from '../api/incident-view';

export interface LinkContact {
  id: string;
  name: string;
  substationId: string;
}

/** A link that can still be used: what it would do, to which incident, for whom. */
export interface UsableLink {
  claims: ActionLinkClaims;
  contact: LinkContact;
  incident: IncidentView;
}

const refused = (status: number, code: string, message: string) => new HttpException({ code, message }, status);

/**
 * Acting on an incident from a link in a notification: a substation's contact acknowledges or reports arrival
 * without a token. The link must be ours (signed), unused, for an incident not yet resolved, and its contact
 * still an active contact of a substation; the action is the timeline's own, recorded by the contact's name and
 * audited like any other write.
 */
@Injectable()
export class ActionLinkService {
  constructor(
    private readonly links: ActionLinksRepository,
    private readonly incidents: IncidentsRepository,
    private readonly audit: AuditRepository,
    private readonly acknowledgeIncident: AcknowledgeIncident,
    private readonly recordArrival: RecordArrival,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** What a link would do, or the 4xx that says why it cannot. */
  async inspect(token: string): Promise<UsableLink> {
    const checked = verifyActionLink(await this.links.signingKey(), token);
    if (!checked.ok) {
      throw checked.reason === 'FORGED'
        ? new ForbiddenException({ code: 'LINK_FORGED', message: 'this link was not issued by this zone' })
        : refused(HttpStatus.BAD_REQUEST, 'LINK_MALFORMED', 'this is not an action link');
    }
    const { claims } = checked;
    const record = await this.incidents.find(claims.incidentId);
    if (!record) throw new NotFoundException({ code: 'NOT_FOUND', message: `incident ${claims.incidentId} not found` });
    const incident = renderIncident(incidentSnapshot(record), this.clock.now());
    if (incident.status === 'resolved')
      throw new GoneException({ code: 'INCIDENT_RESOLVED', message: `incident ${incident.id} is resolved: its links have expired` });
    if (await this.links.wasUsed(claims.linkId)) throw refused(HttpStatus.CONFLICT, 'LINK_USED', 'this link has been used');
    const contact = await this.contact(claims.contactId);
    return { claims, contact, incident };
  }

  /** Takes the action once: a second use, at once or later, is refused; a refused action gives the link back. */
  async use(token: string): Promise<{ link: UsableLink; incident: IncidentView }> {
    const link = await this.inspect(token);
    const { claims, contact } = link;
    const at = this.clock.now();
    if (!(await this.links.markUsed(claims, at))) throw refused(HttpStatus.CONFLICT, 'LINK_USED', 'this link has been used');
    const command = { incidentId: claims.incidentId, by: contact.name, substationId: contact.substationId };
    let after;
    try {
      after = claims.action === 'acknowledge' ? await this.acknowledgeIncident.execute(command) : await this.recordArrival.execute(command);
    } catch (e) {
      await this.links.release(claims.linkId);
      throw e;
    }
    if (!after) throw new NotFoundException({ code: 'NOT_FOUND', message: `incident ${claims.incidentId} not found` });
    const incident = renderIncident(incidentSnapshot(after), this.clock.now());
    await this.audit.append({
      at: new Date(at),
      actor: { tokenId: `action-link:${claims.linkId}`, name: contact.name, role: 'substation' },
      action: `incident.${claims.action}`,
      entity: 'incident',
      entityId: claims.incidentId,
      before: link.incident,
      after: incident,
      correlationId: randomUUID(),
    });
    return { link, incident };
  }

  private async contact(id: string): Promise<LinkContact> {
    const contact = await this.links.substationContact(id);
    if (!contact) throw new ForbiddenException({ code: 'CONTACT_INACTIVE', message: `contact ${id} may no longer act for a substation` });
    return contact;
  }
}
