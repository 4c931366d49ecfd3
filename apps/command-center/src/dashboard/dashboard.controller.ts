import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const PAGE = readFileSync(join(__dirname, 'dashboard.html'), 'utf8');

/** The command center's page: plain HTML and script, no build step. */
@Controller()
@ApiTags('dashboard')
export class DashboardController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @ApiOperation({ summary: "The command center's dashboard page; it asks for a token and uses /api with it" })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'the page', content: { 'text/html': { schema: { type: 'string' } } } })
  page(): string {
    return PAGE;
  }
}
