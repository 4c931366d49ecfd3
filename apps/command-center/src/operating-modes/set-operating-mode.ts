import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/config';
import { Clock, decideMode, ModeRequest, ModeRequestProblem } from '@app/domain';
import { ModeTarget, OperatingModeChange, OperatingModesRepository } from '@app/storage';
import { OperatingModeAnnouncer } from './operating-mode-announcer';

export interface SetOperatingModeCommand {
  target: ModeTarget;
  id: string;
  request: ModeRequest;
  /** The name of the token that asks, stored as set_by. */
  by: string;
  correlationId: string;
}

export type SetOperatingModeOutcome =
  { kind: 'done'; change: OperatingModeChange } | { kind: 'not-found' } | { kind: 'refused'; problem: ModeRequestProblem; message: string };

/** An operator puts a device or an enterprise in test or disabled mode until a time, or back to normal. */
@Injectable()
export class SetOperatingMode {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly modes: OperatingModesRepository,
    private readonly announcer: OperatingModeAnnouncer,
  ) {}

  async execute(command: SetOperatingModeCommand): Promise<SetOperatingModeOutcome> {
    const now = this.clock.now();
    const decision = decideMode(command.request, now);
    if (!decision.ok) return { kind: 'refused', problem: decision.problem, message: decision.message };
    const { mode, until, reason } = decision;
    const change = await this.modes.set(command.target, command.id, { mode, until, reason }, command.by, now);
    if (!change) return { kind: 'not-found' };
    await this.announcer.announce(change, now, command.correlationId);
    return { kind: 'done', change };
  }
}
