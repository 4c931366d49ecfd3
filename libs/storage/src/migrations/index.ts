import type { Migration } from '../migration';
import { schemaMigration } from './001-schema';
import { timescaleMigration } from './002-timescale';
import { reportIndexesMigration } from './003-report-indexes';
import { renotificationsMigration } from './004-renotifications';
import { ruleStatesMigration } from './005-rule-states';
import { apiTokensMigration } from './006-api-tokens';
import { deviceCredentialsMigration } from './007-device-credentials';
import { auditAndTokenLifecycleMigration } from './008-audit-and-token-lifecycle';
import { zoneRegisterMigration } from './009-zone-register';
import { substationAvailabilityMigration } from './010-substation-availability';
import { notificationsMigration } from './011-notifications';
import { contactStatusMigration } from './012-contact-status';
import { actionLinksMigration } from './013-action-links';
import { substationLoadsMigration } from './014-substation-loads';
import { alarmHandlingMigration } from './015-alarm-handling';
import { incidentOutcomesMigration } from './016-incident-outcomes';
import { signalClassesMigration } from './017-signal-classes';
import { operatingModesMigration } from './018-operating-modes';
import { inspectionsMigration } from './019-inspections';
import { deviceCertificatesMigration } from './020-device-certificates';
import { campaignsMigration } from './021-campaigns';

export const MIGRATIONS: readonly Migration[] = [
  schemaMigration,
  timescaleMigration,
  reportIndexesMigration,
  renotificationsMigration,
  ruleStatesMigration,
  apiTokensMigration,
  deviceCredentialsMigration,
  auditAndTokenLifecycleMigration,
  zoneRegisterMigration,
  substationAvailabilityMigration,
  notificationsMigration,
  contactStatusMigration,
  actionLinksMigration,
  substationLoadsMigration,
  alarmHandlingMigration,
  incidentOutcomesMigration,
  signalClassesMigration,
  operatingModesMigration,
  inspectionsMigration,
  deviceCertificatesMigration,
  campaignsMigration,
];
