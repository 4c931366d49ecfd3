import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { INCIDENT_OUTCOMES } from '@app/contracts';
import { FALSE_ALARM_CAUSES } from '@app/domain';
import { Authenticated } from '../auth/auth.guard';
import { ApiResult } from '../openapi/api-docs.decorators';
import { incidentOutcomeCatalogue } from './response-schemas';

@Controller('api/incident-outcomes')
@ApiTags('incidents')
@Authenticated()
export class IncidentOutcomesController {
  @Get()
  @ApiOperation({ summary: 'What POST /api/incidents/{id}/resolve takes: the outcomes, and the causes a false alarm may have' })
  @ApiResult(incidentOutcomeCatalogue)
  catalogue() {
    return { outcomes: [...INCIDENT_OUTCOMES], falseAlarmCauses: FALSE_ALARM_CAUSES };
  }
}
