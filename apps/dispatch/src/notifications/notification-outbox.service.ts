import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { IncidentEventV2, NotificationFailedV1, Topics } from '@app/contracts';
import { CLOCK, InjectConfig, NotifyConfig } from '@app/config';
import { afterFailedAttempt, Clock, notifiableIncidentEvent, NotificationRoute, routeNotifications } from '@app/domain';
import { counter, histogram } from '@app/observability';
import { NewNotification, NotificationRow, NotificationsRepository, ZoneRepository } from '@app/storage';
import { Bus, BUS, BusMessage } from '@app/transport';
import { NOTIFICATION_CHANNELS, NotificationChannel } from './notification-channel';

export const NOTIFICATION_ROUTES = Symbol('NOTIFICATION_ROUTES');

const LEASE_MS = 60_000;
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
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.channels.length === 0) return;
    await this.bus.subscribe<IncidentEventV2>(Topics.incidents, 'notifications', (batch) => this.handleIncidents(batch));
    // Whatever was pending before a restart is sent now, under its delivery id.
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  async handleIncidents(batch: BusMessage<IncidentEventV2>[]): Promise<void> {
    const contacts = (await this.zone.loadRegister()).contacts;
    const names = this.channels.map((c) => c.name);
    const rows: NewNotification[] = [];
    for (const { value } of batch) {
      const event = notifiableIncidentEvent(value);
      if (!event) continue;
      const payload = { type: event.type, at: new Date(value.at).toISOString(), incident: value.incident };
      for (const n of routeNotifications(event, contacts, this.routes, names)) {
        rows.push({ deliveryId: randomUUID(), incidentId: event.incidentId, eventType: event.type, payload, ...n });
      }
    }
    if ((await this.outbox.enqueue(rows, this.clock.now())) > 0) this.wake();
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
      const claimed = await this.outbox.claimDue(this.owner, this.clock.now(), LEASE_MS, BATCH);
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
      // Only the sender that recorded the failure announces it (one whose lease ran out left the row to another);
      // the row is failed whatever becomes of the announcement, which is for the live stream.
      if (finished) {
        const failed: NotificationFailedV1 = {
          v: 1,
          type: 'notification.failed',
          deliveryId: n.deliveryId,
          incidentId: n.incidentId,
          channel: n.channel,
          recipient: n.recipient,
          event: n.eventType,
          attempts: next.attempts,
          lastError: outcome.error,
          at: now,
        };
        await this.bus
          .publish<NotificationFailedV1>(Topics.notifications, [
            { key: n.incidentId ?? n.deliveryId, value: failed, headers: { correlationId: n.deliveryId } },
          ])
          .catch((e: Error) => this.logger.warn(`notification ${n.deliveryId}: notification.failed not announced: ${e.message}`));
      }
    }
  }
}
