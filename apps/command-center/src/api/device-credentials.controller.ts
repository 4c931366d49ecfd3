import { Controller, Header, HttpCode, Inject, Logger, NotFoundException, Param, Post, Req, UseGuards } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { DeviceCredentialsRepository } from '@app/storage';
import { AuthenticatedRequest, AuthGuard, Roles } from '../auth/auth.guard';

/**
 * Operators issue a device its MQTT secret (username = device id): returned
 * once, stored as a hash. Issuing again replaces the secret, so the old one
 * stops opening connections.
 */
@Controller('api/devices')
@UseGuards(AuthGuard)
export class DeviceCredentialsController {
  private readonly logger = new Logger(DeviceCredentialsController.name);

  constructor(
    private readonly credentials: DeviceCredentialsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':id/credentials')
  @HttpCode(201)
  @Roles('operator')
  @Header('Cache-Control', 'no-store')
  async issue(@Param('id') id: string, @Req() req: AuthenticatedRequest) {
    const secret = randomBytes(24).toString('base64url');
    if (!(await this.credentials.issue(id, secret, new Date(this.clock.now())))) throw new NotFoundException(`device ${id} not found`);
    this.logger.log(`${req.principal.name} issued new MQTT credentials for device ${id}`);
    return { deviceId: id, username: id, password: secret };
  }
}
