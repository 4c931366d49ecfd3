import { INestApplication, Module } from '@nestjs/common';
import { json, raw } from 'express';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { HTTP_APP_SETUP } from '@app/config';
import { IncidentsModule } from '@app/incidents';
import { StorageModule } from '@app/storage';
import { BusModule } from '@app/transport';
import { ActionLinkService } from './action-links/action-link.service';
import { ActionLinksController } from './action-links/action-links.controller';
import { AcknowledgeAlarm } from './alarm-handling/acknowledge-alarm';
import { AlarmHandledPublisher } from './alarm-handling/alarm-handled.publisher';
import { AssignAlarm } from './alarm-handling/assign-alarm';
import { CommentOnAlarm } from './alarm-handling/comment-on-alarm';
import { AlarmsController } from './api/alarms.controller';
import { AlarmViews } from './api/alarm-views';
import { ApiErrorFilter } from './api/api-error.filter';
import { DeviceCertificatesController } from './api/device-certificates.controller';
import { DeviceCredentialsController } from './api/device-credentials.controller';
import { DevicesController } from './api/devices.controller';
import { IncidentsController } from './api/incidents.controller';
import { IncidentOutcomesController } from './api/incident-outcomes.controller';
import { MaintenanceController } from './api/maintenance.controller';
import { ReportsController } from './api/reports.controller';
import { RulesController } from './api/rules.controller';
import { ZoneController } from './api/zone.controller';
import { REGISTER_BODY_LIMIT, REGISTER_IMPORT_PATH, ZoneRegisterController } from './api/zone-register.controller';
import { RegisterWritesController } from './api/register-writes.controller';
import { SubstationAvailabilityController } from './api/substation-availability.controller';
import { OperatingModesController } from './api/operating-modes.controller';
import { ExpireOperatingModes } from './operating-modes/expire-operating-modes';
import { OperatingModeAnnouncer } from './operating-modes/operating-mode-announcer';
import { SetOperatingMode } from './operating-modes/set-operating-mode';
import { SubstationViews } from './api/substation-views';
import { AuditController } from './audit/audit.controller';
import { AuditInterceptor } from './audit/audit.interceptor';
import { AuthGuard } from './auth/auth.guard';
import { LoginThrottle } from './auth/login-throttle';
import { MeController } from './auth/me.controller';
import { TokenStore } from './auth/token-store';
import { TokensController } from './auth/tokens.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { LiveStreamController } from './live/live-stream.controller';
import { LiveStreamService } from './live/live-stream.service';
import { AddHazardEvidence } from './inspections/add-hazard-evidence';
import { HazardGradePublisher } from './inspections/hazard-grade.publisher';
import { CampaignsController } from './inspections/campaigns.controller';
import { CreateCampaign } from './inspections/create-campaign';
import { HazardsController } from './inspections/hazards.controller';
import { InspectionsController } from './inspections/inspections.controller';
import { EVIDENCE_BODY_LIMIT, EVIDENCE_PATHS } from './inspections/inspection-schemas';
import { RecordInspection } from './inspections/record-inspection';
import { RectifyHazard } from './inspections/rectify-hazard';
import { ReinspectHazard } from './inspections/reinspect-hazard';
import { setupApiDocs } from './openapi/api-docs';

/**
 * The API document, the register import's own body limit (JSON or CSV, kept as bytes to check their encoding),
 * and that of the routes that carry evidence files in their JSON.
 */
function setupCommandCenterHttp(app: INestApplication): void {
  setupApiDocs(app);
  app.use(REGISTER_IMPORT_PATH, json({ limit: REGISTER_BODY_LIMIT }), raw({ type: 'text/csv', limit: REGISTER_BODY_LIMIT }));
  app.use(EVIDENCE_PATHS, json({ limit: EVIDENCE_BODY_LIMIT }));
}

@Module({
  imports: [StorageModule, BusModule, IncidentsModule],
  controllers: [
    DashboardController,
    MeController,
    TokensController,
    AuditController,
    ZoneController,
    DevicesController,
    ZoneRegisterController,
    RegisterWritesController,
    SubstationAvailabilityController,
    OperatingModesController,
    DeviceCredentialsController,
    DeviceCertificatesController,
    AlarmsController,
    IncidentsController,
    ReportsController,
    IncidentOutcomesController,
    MaintenanceController,
    RulesController,
    LiveStreamController,
    ActionLinksController,
    InspectionsController,
    HazardsController,
    CampaignsController,
  ],
  providers: [
    TokenStore,
    SubstationViews,
    AlarmViews,
    AlarmHandledPublisher,
    AcknowledgeAlarm,
    CommentOnAlarm,
    AssignAlarm,
    OperatingModeAnnouncer,
    SetOperatingMode,
    ExpireOperatingModes,
    HazardGradePublisher,
    RecordInspection,
    CreateCampaign,
    RectifyHazard,
    ReinspectHazard,
    AddHazardEvidence,
    AuthGuard,
    LoginThrottle,
    LiveStreamService,
    ActionLinkService,
    { provide: APP_FILTER, useClass: ApiErrorFilter },
    // Every write under /api appends its audit record, or fails (see AuditInterceptor).
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
    // Wherever the command center runs (its own process or the all-in-one), its API document comes along.
    { provide: HTTP_APP_SETUP, useValue: setupCommandCenterHttp },
  ],
})
export class CommandCenterModule {}
