export * from './command-center.module';
/** The response bodies the API promises, as zod schemas, and how the API document refers to them (for clients and the contract test). */
export * as responseSchemas from './api/response-schemas';
export { refTo } from './openapi/json-schema';
/** The inspection and hazard bodies the API promises. */
export * as inspectionSchemas from './inspections/inspection-schemas';
export * as campaignSchemas from './inspections/campaign-schemas';
