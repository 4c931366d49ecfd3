import { BadRequestException, Controller, HttpCode, Inject, NotFoundException, Param, Put, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CLOCK } from '@app/config';
import { Clock, MAX_MODE_DAYS, MAX_MODE_REASON_LENGTH, OPERATING_MODES } from '@app/domain';
import type { ModeTarget } from '@app/storage';
import { Audited, AuditedRequest, auditChange } from '../audit/audited';
import { Authenticated, AuthenticatedRequest, Roles } from '../auth/auth.guard';
import { ApiErrors, ApiResult, ZodBody } from '../openapi/api-docs.decorators';
import { renderOperatingMode } from '../operating-modes/operating-mode-view';
import { SetOperatingMode } from '../operating-modes/set-operating-mode';
import { operatingMode } from './response-schemas';

const modeBody = z
  .object({
    mode: z.enum(OPERATING_MODES).describe('normal ends a test or disabled mode at once'),
    until: z.iso
      .datetime({ offset: true })
      .transform((s) => Date.parse(s))
      .optional()
      .describe(`test and disabled: when the mode ends by itself; in the future and at most ${MAX_MODE_DAYS} days ahead`),
    reason: z.string().max(MAX_MODE_REASON_LENGTH).optional().describe('test and disabled: why, shown with the mode (required)'),
  })
  .strict();

const DESCRIPTION =
  'Readings are still stored. In test mode an alarm is raised with test: true, opens no incident, does not move the ' +
  "enterprise's grade and counts in no compliance or false-alarm figure. A disabled device's findings (offline included) are " +
  'not graded: no alarm is raised. An enterprise in a mode puts all its devices in it; the stricter of the two applies ' +
  "(disabled over test over normal). A change clears the open alarms that no longer fit (all of a disabled device's, a test " +
  "device's real ones, a normal device's test ones) and starts the device's rules afresh. The mode ends by itself at until " +
  `(at most ${MAX_MODE_DAYS} days ahead), also across a restart. Live in every process within a second.`;

const ERRORS = {
  400:
    'VALIDATION_FAILED: an invalid body (an unknown mode, say); UNTIL_REQUIRED, UNTIL_NOT_IN_FUTURE, UNTIL_TOO_FAR, REASON_REQUIRED, ' +
    'REASON_TOO_LONG: a test or disabled mode without a fitting until or reason',
} as const;

type ModeBody = z.output<typeof modeBody>;

/** Test and disable (SPEC.md, operator handling): a device's or an enterprise's mode, stored, audited and live. */
@Controller('api')
@Authenticated()
export class OperatingModesController {
  constructor(
    private readonly setOperatingMode: SetOperatingMode,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put('devices/:id/mode')
  @HttpCode(200)
  @Roles('operator')
  @Audited('device', 'device.mode')
  @ApiTags('devices')
  @ApiOperation({ summary: 'Put a device in test or disabled mode until a time, or back to normal', description: DESCRIPTION })
  @ApiResult(operatingMode, { description: 'the mode as now stored' })
  @ApiErrors({ ...ERRORS, 404: 'DEVICE_NOT_FOUND: no such device' })
  device(@Param('id') id: string, @ZodBody(modeBody) body: ModeBody, @Req() req: AuthenticatedRequest) {
    return this.set('device', id, body, req);
  }

  @Put('enterprises/:id/mode')
  @HttpCode(200)
  @Roles('operator')
  @Audited('enterprise', 'enterprise.mode')
  @ApiTags('enterprises')
  @ApiOperation({
    summary: 'Put an enterprise (all its devices) in test or disabled mode until a time, or back to normal',
    description: DESCRIPTION,
  })
  @ApiResult(operatingMode, { description: 'the mode as now stored' })
  @ApiErrors({ ...ERRORS, 404: 'ENTERPRISE_NOT_FOUND: no such enterprise' })
  enterprise(@Param('id') id: string, @ZodBody(modeBody) body: ModeBody, @Req() req: AuthenticatedRequest) {
    return this.set('enterprise', id, body, req);
  }

  private async set(target: ModeTarget, id: string, body: ModeBody, req: AuthenticatedRequest) {
    const outcome = await this.setOperatingMode.execute({
      target,
      id,
      request: body,
      by: req.principal.name,
      correlationId: (req as AuditedRequest).correlationId ?? randomUUID(),
    });
    if (outcome.kind === 'refused') throw new BadRequestException({ code: outcome.problem, message: outcome.message });
    if (outcome.kind === 'not-found')
      throw new NotFoundException({ code: `${target.toUpperCase()}_NOT_FOUND`, message: `${target} ${id} not found` });
    const now = this.clock.now();
    const after = renderOperatingMode(outcome.change.after, now);
    auditChange(req, { entityId: id, before: renderOperatingMode(outcome.change.before, now), after });
    return after;
  }
}
