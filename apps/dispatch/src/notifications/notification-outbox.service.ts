import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AlarmEventV1, HazardOverdueV1, HazardSnapshotV1, IncidentEventV2, NotificationFailedV1, Topics } from '@app/contracts';
import { CLOCK, InjectConfig, NotifyConfig } from '@app/config';
import {
  addressNotifications,
  afterFailedAttempt,
  Clock,
  LINK_ACTIONS,
  notifiableDeliveryFailure,
  notifiableDeviceOffline,
  notifiableHazardOverdue,
  NotifiableEvent,
  notifiableIncidentEvent,
  NotificationRoute,
  offersActionLinks,
  RegisterRows,
  routeNotifications,
  signActionLink,
} from '@app/domain';
import { counter, histogram } from '@app/observability';
import { ActionLinksRepository, NewNotification, NotificationRow, NotificationsRepository, ZoneRepository } from '@app/storage';
import { Bus, BUS, BusMessage, ZoneChanges } from '@app/transport';
import { NOTIFICATION_CHANNELS, NotificationChannel } from './notification-channel';

export const NOTIFICATION_ROUTES = Symbol('NOTIFICATION_ROUTES');

/**
 * A claimed row is another sender's for this long: longer than any one attempt (three channel timeouts), short
 * enough that a row claimed by a process that died is sent again soon after.
 */
const leaseMs = (timeoutMs: number) => Math.max(10_000, 3 * timeoutMs);
const BATCH = 32;
const IDLE_POLL_MS = 1000;

/**
 * Stores the notifications of each incident event in the outbox (the bus commits only after that), and sends
 * what is due under a lease, waking at once when new rows are stored.
 */
@Injectable()
export class NotificationOutboxService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NotificationOutboxService.name);
  private readonly owner = randomUUID();
  private readonly outcomes = counter({
    name: 'zone_notifications_total',
    help: 'Notification attempts, by channel and outcome',
    labelNames: ['channel', 'outcome'],
  });
  private readonly latency = histogram({
    name: 'zone_notification_delivery_seconds',
    help: 'From a notification stored to delivered',
    labelNames: ['channel'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  });
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CLOCK) private readonly clock: Clock,
    @InjectConfig('notify') private readonly config: NotifyConfig,
    @Inject(NOTIFICATION_ROUTES) private readonly routes: readonly NotificationRoute[],
    @Inject(NOTIFICATION_CHANNELS) private readonly channels: readonly NotificationChannel[],
    private readonly outbox: NotificationsRepository,
    private readonly zone: ZoneRepository,
    private readonly actionLinks: ActionLinksRepository,
    private readonly zoneChanges: ZoneChanges,
  ) {}

  /**
   * The register (contacts, and the names messages are written with), read again after every change to what it
   * is used for (zone.v1), not for every event.
   */
  private register: Promise<RegisterRows> | null = null;

  private loadRegister(): Promise<RegisterRows> {
    this.register ??= this.zone.loadRegister().catch((e: Error) => {
      this.register = null;
      throw e;
    });
    return this.register;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.channels.length === 0) return;
    await this.zoneChanges.subscribe('notifications', ['contacts', 'enterprises', 'substations'], () => {
      this.register = null;
      return Promise.resolve();
    });
    await this.bus.subscribe<IncidentEventV2>(Topics.incidents, 'notifications', (batch) => this.handleIncidents(batch));
    await this.bus.subscribe<AlarmEventV1>(Topics.alarms, 'notifications-devices', (batch) =>
      this.handleOther(batch.map(({ value }) => ({ event: notifiableDeviceOffline(value), at: value.at, subject: { alarm: value } }))),
    );
    await this.bus.subscribe<HazardOverdueV1>(Topics.hazards, 'notifications-hazards', (batch) =>
      this.handleOther(
        batch.map(({ value }) => ({ event: notifiableHazardOverdue(value), at: value.at, subject: { hazard: hazardView(value.hazard) } })),
      ),
    );
    await this.bus.subscribe<NotificationFailedV1>(Topics.notifications, 'notifications-failures', (batch) =>
      this.handleOther(
        batch.map(({ value }) => ({ event: notifiableDeliveryFailure(value), at: value.at, subject: { notification: value } })),
      ),
    );
    // Whatever was pending before a restart is sent now, under its delivery id.
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  async handleIncidents(batch: BusMessage<IncidentEventV2>[]): Promise<void> {
    const register = await this.loadRegister();
    const contacts = register.contacts;
    const names = this.channels.map((c) => c.name);
    const rows: NewNotification[] = [];
    for (const { value } of batch) {
      const event = notifiableIncidentEvent(value);
      if (!event) continue;
      const routed = routeNotifications(event, contacts, this.routes, names);
      // An email or sms row carries its address and the names it is written with, fixed now: every retry is the same message.
      const named = {
        enterpriseName: register.enterprises.find((e) => e.id === value.incident.enterpriseId)?.name,
        substationName: register.substations.find((s) => s.id === value.incident.substationId)?.name,
      };
      for (const { to, ...n } of addressNotifications(routed, contacts, this.config.commandCenter)) {
        const contact = contacts.find((c) => `contact:${c.id}` === n.recipient);
        const payload = {
          type: event.type,
          at: new Date(value.at).toISOString(),
          recipient: recipientView(n.recipient, contact),
          incident: value.incident,
          ...(contact?.substationId && offersActionLinks(event.type)
            ? { actions: await this.linksFor(event.incidentId!, contact.id) }
            : {}),
        };
        const body = to === null ? payload : { ...payload, ...named, to };
        rows.push({ deliveryId: randomUUID(), incidentId: event.incidentId, eventType: event.type, payload: body, ...n });
      }
    }
    if ((await this.outbox.enqueue(rows, this.clock.now())) > 0) this.wake();
  }

  /**
   * Events that are not an incident's (a device gone silent, a hazard overdue, a delivery given up on): stored like the others, on
   * the webhook channel only, since the e-mail and SMS messages are written for incidents.
   */
  async handleOther(items: { event: NotifiableEvent | null; at: number; subject: Record<string, unknown> }[]): Promise<void> {
    const wanted = items.filter((i): i is typeof i & { event: NotifiableEvent } => i.event !== null);
    if (wanted.length === 0) return;
    const { contacts } = await this.loadRegister();
    const rows: NewNotification[] = [];
    for (const { event, at, subject } of wanted) {
      for (const n of routeNotifications(
        event,
        contacts,
        this.routes,
        this.channels.map((c) => c.name).filter((c) => c === 'webhook'),
      )) {
        const recipient = recipientView(
          n.recipient,
          contacts.find((c) => `contact:${c.id}` === n.recipient),
        );
        const payload = { type: event.type, at: new Date(at).toISOString(), recipient, ...subject };
        rows.push({ deliveryId: randomUUID(), incidentId: event.incidentId, eventType: event.type, payload, ...n });
      }
    }
    if ((await this.outbox.enqueue(rows, this.clock.now())) > 0) this.wake();
  }

  /** Signed single-use links for a substation's contact to acknowledge and report arrival without signing in. */
  private async linksFor(incidentId: string, contactId: string): Promise<Record<string, string>> {
    const key = await this.actionLinks.signingKey();
    const link = (action: (typeof LINK_ACTIONS)[number]) =>
      `${this.config.publicUrl}/actions/${signActionLink(key, { linkId: randomUUID(), incidentId, action, contactId })}`;
    return { acknowledge: link('acknowledge'), arrive: link('arrive') };
  }

  /** Tells the live stream; the outbox row already says it failed, so a notice that cannot go out is only logged. */
  private async announceFailure(n: NotificationRow, attempts: number, lastError: string, at: number): Promise<void> {
    const value: NotificationFailedV1 = {
      v: 1,
      type: 'notification.failed',
      deliveryId: n.deliveryId,
      incidentId: n.incidentId,
      event: n.eventType,
      channel: n.channel,
      recipient: n.recipient,
      attempts,
      lastError,
      at,
    };
    await this.bus
      .publish<NotificationFailedV1>(Topics.notifications, [
        { key: n.incidentId ?? n.deliveryId, value, headers: { correlationId: n.deliveryId } },
      ])
      .catch((e: Error) => this.logger.error(`notification.failed of ${n.deliveryId} not announced: ${e.message}`));
  }

  /** Runs the sender now (or right after the pass in progress). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.drain()
      .catch((e: Error) => this.logger.warn(`notification sender: ${e.message}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        } else void this.sleep();
      });
  }

  private async sleep(): Promise<void> {
    if (this.stopped) return;
    const due = await this.outbox.nextDueAt().catch(() => null);
    const wait = due === null ? IDLE_POLL_MS : Math.max(0, Math.min(IDLE_POLL_MS, due.getTime() - this.clock.now()));
    if (this.stopped || this.running) return;
    this.timer = setTimeout(() => this.wake(), wait);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const claimed = await this.outbox.claimDue(this.owner, this.clock.now(), leaseMs(this.config.timeoutMs), BATCH);
      if (claimed.length === 0 || this.stopped) return;
      await Promise.all(claimed.map((n) => this.attempt(n)));
    }
  }

  private async attempt(n: NotificationRow): Promise<void> {
    const channel = this.channels.find((c) => c.name === n.channel);
    const at = this.clock.now();
    const outcome = channel ? await channel.send(n, at) : { ok: false as const, error: `channel ${n.channel} not configured` };
    const now = this.clock.now();
    if (outcome.ok) {
      await this.outbox.finishAttempt(n.deliveryId, this.owner, { status: 'delivered', attempts: n.attempts + 1, at: now });
      this.outcomes.inc({ channel: n.channel, outcome: 'delivered' });
      this.latency.observe({ channel: n.channel }, (now - n.createdAt.getTime()) / 1000);
      return;
    }
    const next = afterFailedAttempt(n.attempts, now, {
      maxAttempts: this.config.maxAttempts,
      baseMs: this.config.backoffBaseMs,
      capMs: this.config.backoffCapMs,
    });
    const result =
      next.status === 'failed'
        ? { status: 'failed' as const, attempts: next.attempts, error: outcome.error, at: now }
        : { status: 'pending' as const, attempts: next.attempts, error: outcome.error, nextAttemptAt: next.nextAttemptAt };
    const finished = await this.outbox.finishAttempt(n.deliveryId, this.owner, result);
    this.outcomes.inc({ channel: n.channel, outcome: next.status === 'failed' ? 'failed' : 'retry' });
    if (next.status === 'failed') {
      this.logger.warn(`notification ${n.deliveryId} to ${n.recipient} failed after ${next.attempts} attempts: ${outcome.error}`);
      // Only the sender that recorded the failure announces it (one whose lease ran out left the row to another).
      if (finished) await this.announceFailure(n, next.attempts, outcome.error, now);
    }
  }
}

/** Who a delivery is for, as its body names them: the register contact, or the command center. */
function recipientView(recipient: string, contact: RegisterRows['contacts'][number] | undefined) {
  return contact ? { contactId: contact.id, name: contact.name, role: contact.role } : { name: recipient };
}

/** A hazard as a delivery's body gives it: ISO times, as the API does. */
function hazardView(h: HazardSnapshotV1) {
  return { ...h, deadline: new Date(h.deadline).toISOString(), openedAt: new Date(h.openedAt).toISOString() };
}
