import { Module } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { configToken, NotifyConfig } from '@app/config';
import { DEFAULT_NOTIFICATION_ROUTES, NotificationRoute, parseNotificationRoutes } from '@app/domain';
import { StorageModule } from '@app/storage';
import { BusModule } from '@app/transport';
import { NOTIFICATION_CHANNELS, NotificationChannel } from './notification-channel';
import { NOTIFICATION_ROUTES, NotificationOutboxService } from './notification-outbox.service';
import { WebhookChannel } from './webhook.channel';

/** People told of incidents: the outbox filled from the bus and its sender, on the channels configured. */
@Module({
  imports: [StorageModule, BusModule],
  providers: [
    {
      provide: NOTIFICATION_CHANNELS,
      inject: [configToken('notify')],
      useFactory: (config: NotifyConfig): NotificationChannel[] =>
        config.webhook ? [new WebhookChannel({ ...config.webhook, timeoutMs: config.timeoutMs })] : [],
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
