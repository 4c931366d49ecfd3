import { Module } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { configToken, NotifyConfig } from '@app/config';
import { DEFAULT_NOTIFICATION_ROUTES, NotificationRoute, parseNotificationRoutes } from '@app/domain';
import { StorageModule } from '@app/storage';
import { BusModule } from '@app/transport';
import { EmailChannel } from './email.channel';
import { NOTIFICATION_CHANNELS, NotificationChannel } from './notification-channel';
import { NOTIFICATION_ROUTES, NotificationOutboxService } from './notification-outbox.service';
import { SmsChannel } from './sms.channel';
import { WebhookChannel } from './webhook.channel';

/** People told of incidents: the outbox filled from the bus and its sender, on the channels configured. */
@Module({
  imports: [StorageModule, BusModule],
  providers: [
    {
      provide: NOTIFICATION_CHANNELS,
      inject: [configToken('notify')],
      // A channel exists only when configured; with none the module stays inert (no subscription, no sender).
      useFactory: (config: NotifyConfig): NotificationChannel[] => {
        const { timeoutMs } = config;
        return [
          ...(config.webhook ? [new WebhookChannel({ ...config.webhook, timeoutMs })] : []),
          ...(config.email ? [new EmailChannel({ ...config.email, timeoutMs })] : []),
          ...(config.sms ? [new SmsChannel({ ...config.sms, timeoutMs })] : []),
        ];
      },
    },
    {
      provide: NOTIFICATION_ROUTES,
      inject: [configToken('notify')],
      useFactory: async (config: NotifyConfig): Promise<readonly NotificationRoute[]> => {
        if (!config.routesFile) return DEFAULT_NOTIFICATION_ROUTES;
        const text = await readFile(config.routesFile, 'utf8');
        return parseNotificationRoutes(JSON.parse(text));
      },
    },
    NotificationOutboxService,
  ],
})
export class NotificationsModule {}
