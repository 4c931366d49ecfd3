import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, type OperationObject, SwaggerModule } from '@nestjs/swagger';
import { apiSchemas } from '../api/response-schemas';
import { BEARER } from '../auth/auth.guard';
import { componentSchemas } from './json-schema';

const DOCS_PATH = 'docs';
const DOCS_JSON_PATH = 'docs-json';

const DESCRIPTION = `Alarms, incidents and their 1-3-5 timeline, enterprises, substations and readings of the zone.

Every /api request carries \`Authorization: Bearer <token>\` ("Authorize" above): OPERATOR_TOKEN, or a token an operator
issued with POST /api/tokens. Roles: operator (everything), substation (acts on its own incidents), viewer (reads),
inspector (reads like a viewer, records inspections and re-inspections), enterprise (bound to one enterprise: reaches only
the routes marked x-enterprise-scoped, and there only its own enterprise's grade, alarms, hazards and readings).

Lists take \`limit\` and \`offset\`, or the \`cursor\` a full page gave out in X-Next-Cursor (and in its Link rel="next").
Every error has one body, the Error schema. Times are ISO-8601 UTC.`;

/** The OpenAPI 3 document of the app: routes and parameters from the controllers, bodies from the zod schemas. */
function buildApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Zone safety command center')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'opaque', description: 'OPERATOR_TOKEN or a token from POST /api/tokens' },
      BEARER,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, { autoTagControllers: false });
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...componentSchemas(apiSchemas) } };
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch]) if (operation) noteRoles(operation);
  }
  return document;
}

/** Says in the description, where Swagger UI shows it, who may call a route that wants a token. */
function noteRoles(operation: OperationObject): void {
  if (!operation.security?.some((s) => BEARER in s)) return;
  const { 'x-roles': roles, 'x-enterprise-scoped': scoped } = operation as { 'x-roles'?: string[]; 'x-enterprise-scoped'?: boolean };
  const note = roles
    ? `Roles: ${roles.join(', ')}.`
    : scoped
      ? 'Roles: any (operator, substation, viewer, inspector), and enterprise for its own enterprise.'
      : 'Roles: any but enterprise (operator, substation, viewer, inspector).';
  operation.description = operation.description ? `${operation.description}\n\n${note}` : note;
}

/** Swagger UI at /docs and the document at /docs-json, built on first request; neither wants a token. */
export function setupApiDocs(app: INestApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, () => buildApiDocument(app), {
    jsonDocumentUrl: DOCS_JSON_PATH,
    yamlDocumentUrl: `${DOCS_PATH}-yaml`,
    customSiteTitle: 'Zone safety command center API',
    swaggerOptions: { persistAuthorization: true },
  });
}
