import {
  escapingForContentType,
  renderGatewayTemplate,
  SAMPLE_GATEWAY_VALUES,
  unknownPlaceholders,
  type GatewayValues,
} from './gateway-template';

const values: GatewayValues = {
  phone: '+86 138 0013 8000',
  text: 'Fire "A" at 3\\4\nnow & then',
  incidentId: 'I-1',
  deliveryId: 'd-1',
  event: 'incident.opened',
  grade: 'red',
};

describe('gateway templates', () => {
  it('escapes values as JSON string content, so a JSON template stays JSON whatever the text holds', () => {
    const body = renderGatewayTemplate('{"to": "{{phone}}", "text": "{{ text }}", "ref": "{{deliveryId}}"}', values, 'json');
    expect(JSON.parse(body)).toEqual({ to: values.phone, text: values.text, ref: 'd-1' });
  });

  it('percent-encodes values for a URL or a form body, and leaves them as they are in raw', () => {
    expect(renderGatewayTemplate('to={{phone}}&msg={{text}}', values, 'url')).toBe(
      `to=${encodeURIComponent(values.phone)}&msg=${encodeURIComponent(values.text)}`,
    );
    expect(renderGatewayTemplate('{{incidentId}}: {{text}}', values, 'raw')).toBe(`I-1: ${values.text}`);
  });

  it('fills every occurrence and leaves other braces alone', () => {
    expect(renderGatewayTemplate('{{grade}}/{{grade}} {single} {{event}}', values, 'raw')).toBe('red/red {single} incident.opened');
  });

  it('names unknown placeholders once each, and refuses to render them', () => {
    expect(unknownPlaceholders('{{phone}} {{msisdn}} {{ msisdn }} {{body}}')).toEqual(['msisdn', 'body']);
    expect(unknownPlaceholders('{"to": "{{phone}}"}')).toEqual([]);
    expect(() => renderGatewayTemplate('{{msisdn}}', values, 'raw')).toThrow(/unknown placeholder \{\{msisdn\}\}/);
  });

  it('picks the escaping from the content type', () => {
    expect(escapingForContentType('application/json; charset=utf-8')).toBe('json');
    expect(escapingForContentType('application/vnd.gateway+json')).toBe('json');
    expect(escapingForContentType('application/x-www-form-urlencoded')).toBe('url');
    expect(escapingForContentType('text/plain')).toBe('raw');
    expect(escapingForContentType(undefined)).toBe('raw');
  });

  it('has sample values that need escaping everywhere, for checking templates at start', () => {
    expect(SAMPLE_GATEWAY_VALUES.text).toMatch(/"/);
    expect(SAMPLE_GATEWAY_VALUES.text).toMatch(/\\/);
    expect(SAMPLE_GATEWAY_VALUES.text).toMatch(/\n/);
  });
});
