import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/config';
import { Clock, effectiveMode, OperatingMode, StoredMode } from '@app/domain';
import { ModesInForce, OperatingModesRepository } from '@app/storage';

const sameMode = (a: StoredMode | undefined, b: StoredMode | undefined) => a?.mode === b?.mode && a?.until === b?.until;

/**
 * The test and disabled modes this process grades by: the few rows not in normal mode, read again on every
 * register change of devices or enterprises. Judged at use, so a mode whose until passes is normal at once.
 */
@Injectable()
export class OperatingModesInForce {
  private modes: ModesInForce = { devices: new Map(), enterprises: new Map() };

  constructor(
    private readonly repository: OperatingModesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Reads them again; says whether a mode of one of these devices or enterprises changed. */
  async reload(deviceIds: readonly string[] = [], enterpriseIds: readonly string[] = []): Promise<boolean> {
    const before = this.modes;
    this.modes = await this.repository.inForce(this.clock.now());
    return (
      deviceIds.some((id) => !sameMode(before.devices.get(id), this.modes.devices.get(id))) ||
      enterpriseIds.some((id) => !sameMode(before.enterprises.get(id), this.modes.enterprises.get(id)))
    );
  }

  of(deviceId: string, enterpriseId: string, now: number): OperatingMode {
    return effectiveMode(this.modes.devices.get(deviceId), this.modes.enterprises.get(enterpriseId), now);
  }
}
