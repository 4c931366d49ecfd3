/** The placeholders an SMS/voice gateway's URL and body template may use. */
export const GATEWAY_PLACEHOLDERS = ['phone', 'text', 'incidentId', 'deliveryId', 'event', 'grade'] as const;
export type GatewayPlaceholder = (typeof GATEWAY_PLACEHOLDERS)[number];
export type GatewayValues = Record<GatewayPlaceholder, string>;

/**
 * How a value is written into the template, chosen by where it lands: inside a JSON string (`json`: escaped as
 * JSON string content, without the quotes, so `{"text": "{{text}}"}` stays JSON whatever the text holds), in a URL
 * or a form body (`url`: percent-encoded), or as it is (`raw`, for text/plain bodies).
 */
export type TemplateEscaping = 'json' | 'url' | 'raw';

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

export class GatewayTemplateError extends Error {}

function escape(value: string, escaping: TemplateEscaping): string {
  switch (escaping) {
    case 'json':
      return JSON.stringify(value).slice(1, -1);
    case 'url':
      return encodeURIComponent(value);
    case 'raw':
      return value;
  }
}

/** The placeholders a template names that are not known: a typo found at start, not at the first incident. */
export function unknownPlaceholders(template: string): string[] {
  const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
  return [...new Set(names.filter((n) => !(GATEWAY_PLACEHOLDERS as readonly string[]).includes(n)))];
}

/** Fills `{{name}}` placeholders (spaces inside the braces allowed), each value escaped for where it lands. */
export function renderGatewayTemplate(template: string, values: GatewayValues, escaping: TemplateEscaping): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    if (!(GATEWAY_PLACEHOLDERS as readonly string[]).includes(name)) throw new GatewayTemplateError(`unknown placeholder ${whole}`);
    return escape(values[name as GatewayPlaceholder], escaping);
  });
}

/** The escaping a body gets from its content type: JSON for any `…json` type, URL for a form, else as it is. */
export function escapingForContentType(contentType: string | undefined): TemplateEscaping {
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('json')) return 'json';
  if (type.includes('x-www-form-urlencoded')) return 'url';
  return 'raw';
}

/** Values with every character that needs escaping somewhere: what a template is checked with at start. */
export const SAMPLE_GATEWAY_VALUES: GatewayValues = {
  phone: '+86 138 0000 0000',
  text: 'ZONE "red" \\ test\n& more',
  incidentId: 'I-1',
  deliveryId: '00000000-0000-4000-8000-000000000000',
  event: 'incident.opened',
  grade: 'red',
};
