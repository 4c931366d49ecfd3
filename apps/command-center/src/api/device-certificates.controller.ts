import { BadRequestException, Controller, Delete, HttpCode, Inject, Logger, NotFoundException, Param, Put, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { DeviceCertificatesRepository } from '@app/storage';
import { ZoneChanges } from '@app/transport';
import { Audited, AuditedRequest, auditChange } from '../audit/audited';
import { Authenticated, AuthenticatedRequest, Roles } from '../auth/auth.guard';
import { ApiErrors, ApiResult, ZodBody } from '../openapi/api-docs.decorators';
import { deviceCertificate } from './response-schemas';

const certificateBody = z.union([
  z
    .strictObject({
      fingerprint: z
        .string()
        .regex(/^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/, 'a SHA-256 fingerprint: 64 hex digits, colons allowed')
        .transform((f) => f.replaceAll(':', '').toLowerCase()),
    })
    .describe('the fingerprint of the certificate, as `openssl x509 -noout -fingerprint -sha256` prints it'),
  z.strictObject({ certificatePem: z.string().max(16_384).describe('the device certificate, PEM') }),
]);
type CertificateBody = z.output<typeof certificateBody>;

const DESCRIPTION =
  'With MQTT_TLS_CLIENT_AUTH the device then logs in to the embedded broker over TLS by this certificate, without a password: ' +
  'its CN must be the device id and it must be issued by MQTT_TLS_CA. Registering again replaces the certificate; a change ' +
  'ends the connection made by the old one, in every process within a second.';

/** The client certificate a device may log in with, registered by its SHA-256 fingerprint; a public value, so it is audited as is. */
@Controller('api/devices')
@ApiTags('devices')
@Authenticated()
export class DeviceCertificatesController {
  private readonly logger = new Logger(DeviceCertificatesController.name);

  constructor(
    private readonly certificates: DeviceCertificatesRepository,
    private readonly zoneChanges: ZoneChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put(':id/certificate')
  @HttpCode(200)
  @Roles('operator')
  @Audited('device', 'device.certificate.register')
  @ApiOperation({
    summary: 'Register the client certificate a device logs in to MQTT with, by fingerprint or PEM',
    description: DESCRIPTION,
  })
  @ApiResult(deviceCertificate, { description: 'the certificate as now registered' })
  @ApiErrors({ 400: 'VALIDATION_FAILED: neither a SHA-256 fingerprint nor a readable PEM certificate', 404: 'no such device' })
  async register(@Param('id') id: string, @ZodBody(certificateBody) body: CertificateBody, @Req() req: AuthenticatedRequest) {
    const fingerprint = 'fingerprint' in body ? body.fingerprint : fingerprintOf(body.certificatePem);
    const before = await this.certificates.find(id);
    const registeredAt = new Date(this.clock.now());
    if (!(await this.certificates.register(id, fingerprint, registeredAt))) throw new NotFoundException(`device ${id} not found`);
    const after = { deviceId: id, fingerprint, registeredAt: registeredAt.toISOString() };
    auditChange(req, { entityId: id, before: before && { ...before, registeredAt: before.registeredAt.toISOString() }, after });
    await this.announce(id, req);
    this.logger.log(`${req.principal.name} registered certificate ${fingerprint} for device ${id}`);
    return after;
  }

  @Delete(':id/certificate')
  @HttpCode(200)
  @Roles('operator')
  @Audited('device', 'device.certificate.revoke')
  @ApiOperation({ summary: "Revoke a device's client certificate: refused at its next login, its connection closed" })
  @ApiResult(deviceCertificate, { description: 'the certificate, revoked' })
  @ApiErrors({ 404: 'no such device, or it has no certificate registered' })
  async revoke(@Param('id') id: string, @Req() req: AuthenticatedRequest) {
    const row = await this.certificates.revoke(id);
    if (!row) throw new NotFoundException(`device ${id} has no certificate registered`);
    const revoked = { ...row, registeredAt: row.registeredAt.toISOString() };
    auditChange(req, { entityId: id, before: revoked, after: null });
    await this.announce(id, req);
    this.logger.log(`${req.principal.name} revoked certificate ${row.fingerprint} of device ${id}`);
    return revoked;
  }

  private announce(deviceId: string, req: AuthenticatedRequest): Promise<void> {
    return this.zoneChanges.notify(
      { deviceCertificates: [deviceId] },
      this.clock.now(),
      (req as AuditedRequest).correlationId ?? randomUUID(),
    );
  }
}

function fingerprintOf(pem: string): string {
  try {
    return new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase();
  } catch {
    throw new BadRequestException({ code: 'VALIDATION_FAILED', message: 'certificatePem: not a PEM certificate' });
  }
}
