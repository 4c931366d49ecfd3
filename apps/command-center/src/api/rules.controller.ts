import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectConfig, loadRuleFile, RulesConfig } from '@app/config';
import type { RuleSet, VersionedRuleSet } from '@app/domain';
import { Authenticated } from '../auth/auth.guard';
import { ApiResult } from '../openapi/api-docs.decorators';
import { ruleSet } from './response-schemas';

@Controller('api')
@ApiTags('rules')
@Authenticated()
export class RulesController {
  private readonly loaded: VersionedRuleSet;

  // In distributed mode the command center is a process of its own, so it reads RULES_FILE itself, as the
  // risk engine does; a file it cannot use stops it from starting, with the same message.
  constructor(@InjectConfig('rules') config: RulesConfig) {
    this.loaded = loadRuleFile(config.file);
  }

  /** The rules readings are graded by, in the rule-file format: { version, deviceTypes: { <device type>: Rule[] } }. */
  @Get('rules')
  @ApiOperation({ summary: 'The rules readings are graded by, per device type, in the rule-file format (RULES_FILE or the shipped ones)' })
  @ApiResult(ruleSet)
  list(): { version: string; deviceTypes: RuleSet } {
    return { version: this.loaded.version, deviceTypes: this.loaded.rules };
  }
}
