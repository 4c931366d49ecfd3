import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/config';
import type { Clock } from '@app/domain';
import { CampaignsRepository, type CampaignScope, type CreateCampaignResult } from '@app/storage';

export interface CreateCampaignCommand {
  name: string;
  until: Date;
  createdBy: string;
  scope: CampaignScope;
}

export type CreateCampaignOutcome = CreateCampaignResult | { refused: 'until-in-past' };

/** A campaign of inspections: its enterprises fixed now, a substation's area expanded to the enterprises it holds now. */
@Injectable()
export class CreateCampaign {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly campaigns: CampaignsRepository,
  ) {}

  async execute(command: CreateCampaignCommand): Promise<CreateCampaignOutcome> {
    const now = this.clock.now();
    if (command.until.getTime() <= now) return { refused: 'until-in-past' };
    return this.campaigns.create({
      name: command.name,
      until: command.until,
      createdBy: command.createdBy,
      createdAt: now,
      scope: command.scope,
    });
  }
}
