import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { verifyWebhook } from '@app/domain';

/** A webhook delivery's JSON as the receiver parsed it. */
export interface DeliveryBody {
  id: string;
  type: string;
  at: string;
  recipient?: { contactId?: string; name: string; role?: string };
  incident?: { id: string; dispatchedAt: string | number; [field: string]: unknown };
  actions?: { acknowledge: string; arrive: string };
  [field: string]: unknown;
}

export interface ReceivedDelivery {
  deliveryId: string;
  body: DeliveryBody;
  /** How many times this delivery id came in (more than one: a retry after an answer that was lost). */
  count: number;
  firstAt: number;
}

/**
 * The far end of the webhook channel, as a zone's integration would run it: checks every signature and its
 * timestamp, counts delivery ids, and can be told to answer 500, to hold requests unanswered, or to be down.
 */
export class WebhookReceiver {
  readonly deliveries = new Map<string, ReceivedDelivery>();
  readonly badSignatures: string[] = [];
  /** Delivery ids of requests that were held unanswered (then dropped by stop() or a sender that died). */
  readonly heldIds = new Set<string>();
  requests = 0;
  /** Every well-signed request by delivery id, whatever it was answered: the attempts the receiver saw. */
  readonly attemptsById = new Map<string, number>();
  mode: 'ok' | 'fail' | 'hold' = 'ok';
  /** In mode ok: the deliveries answered 500 all the same. */
  failWhen: ((body: DeliveryBody) => boolean) | null = null;
  private readonly held: ServerResponse[] = [];
  private server: Server | null = null;
  port = 0;

  constructor(private readonly secret: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/zone-hook`;
  }

  async start(port = this.port): Promise<this> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Down: the port refuses connections until start() again. Held requests are dropped unanswered. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    this.held.splice(0).forEach((res) => res.destroy());
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** Requests held unanswered so far. */
  get heldCount(): number {
    return this.held.length;
  }

  of(predicate: (d: ReceivedDelivery) => boolean): ReceivedDelivery[] {
    return [...this.deliveries.values()].filter(predicate);
  }

  forIncident(incidentId: string): ReceivedDelivery[] {
    return this.of((d) => d.body?.incident?.id === incidentId);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.requests++;
      const raw = Buffer.concat(chunks).toString('utf8');
      const deliveryId = String(req.headers['x-zone-delivery'] ?? '');
      const signed = { timestamp: String(req.headers['x-zone-timestamp'] ?? ''), signature: String(req.headers['x-zone-signature'] ?? '') };
      if (!verifyWebhook(this.secret, signed, raw, Date.now())) {
        this.badSignatures.push(deliveryId);
        res.writeHead(401).end();
        return;
      }
      this.attemptsById.set(deliveryId, (this.attemptsById.get(deliveryId) ?? 0) + 1);
      if (this.mode === 'hold') {
        this.held.push(res);
        this.heldIds.add(deliveryId);
        return;
      }
      if (this.mode === 'fail' || this.failWhen?.(JSON.parse(raw) as DeliveryBody)) {
        res.writeHead(500).end('not now');
        return;
      }
      const seen = this.deliveries.get(deliveryId);
      if (seen) seen.count++;
      else this.deliveries.set(deliveryId, { deliveryId, body: JSON.parse(raw) as DeliveryBody, count: 1, firstAt: Date.now() });
      res.writeHead(204).end();
    });
  }
}
