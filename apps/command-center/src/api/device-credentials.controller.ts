import { Controller, Header, HttpCode, Inject, Logger, NotFoundException, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomBytes } from 'node:crypto';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { DeviceCredentialsRepository } from '@app/storage';
import { Audited, auditChange } from '../audit/audited';
import { AuthenticatedRequest, Authenticated, Roles } from '../auth/auth.guard';
import { ApiErrors, ApiResult } from '../openapi/api-docs.decorators';
import { deviceCredentials } from './response-schemas';

/**
 * Operators issue a device its MQTT secret (username = device id): returned
 * once, stored as a hash. Issuing again replaces the secret, so the old one
 * stops opening connections.
 */
@Controller('api/devices')
@ApiTags('devices')
@Authenticated()
export class DeviceCredentialsController {
  private readonly logger = new Logger(DeviceCredentialsController.name);

  constructor(
    private readonly credentials: DeviceCredentialsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':id/credentials')
  @HttpCode(201)
  @Roles('operator')
  @Audited('device', 'device.credentials.issue')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Issue a device its MQTT secret, returned this once and stored as a hash; issuing again replaces it',
    description: 'The device then connects to MQTT with username = device id and password = the secret.',
  })
  @ApiResult(deviceCredentials, { status: 201 })
  @ApiErrors({ 404: 'no such device' })
  async issue(@Param('id') id: string, @Req() req: AuthenticatedRequest) {
    const secret = randomBytes(24).toString('base64url');
    const before = await this.credentials.find(id);
    const issuedAt = new Date(this.clock.now());
    if (!(await this.credentials.issue(id, secret, issuedAt))) throw new NotFoundException(`device ${id} not found`);
    // When, never the secret or its hash.
    const credentials = (at: Date) => ({ deviceId: id, username: id, issuedAt: at.toISOString() });
    auditChange(req, { entityId: id, before: before && credentials(before.issuedAt), after: credentials(issuedAt) });
    this.logger.log(`${req.principal.name} issued new MQTT credentials for device ${id}`);
    return { deviceId: id, username: id, password: secret };
  }
}
