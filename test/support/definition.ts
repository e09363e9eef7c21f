/** Helpers of the view-definition tests. */
import { atomic, pageView, parseView, validateView, ViewValidationError, type Attribute, type View } from '../../src/definition';

/** The message with which `parse` refuses its view (fails the test when the view is accepted). */
export function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ViewValidationError);
    return (error as Error).message;
  }
  throw new Error('expected the view to be refused');
}

export type Mutable = View & { attributes: Array<Attribute & Record<string, unknown>> };

/** A valid view with one attribute (`first_source`), to be broken one field at a time. */
export function baseView(): Mutable {
  return {
    name: 'shop',
    version: 1,
    attributeKey: { name: 'domain_userid' },
    attributes: [{ name: 'first_source', type: 'string', aggregation: 'first', events: [pageView()], property: atomic('mkt_source') }],
  };
}

export function withAttribute(attribute: Partial<Attribute> & Record<string, unknown>): Mutable {
  const v = baseView();
  v.attributes[0] = { ...v.attributes[0], ...attribute } as Mutable['attributes'][number];
  for (const [k, value] of Object.entries(attribute)) if (value === undefined) delete v.attributes[0][k];
  return v;
}

/** The error message of an invalid view (fails the test when the view is valid). */
export function messageOf(input: unknown): string {
  try {
    parseView(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ViewValidationError);
    return (e as Error).message;
  }
  throw new Error(`expected the view to be rejected: ${JSON.stringify(input)}`);
}

export function expectValid(input: unknown): void {
  const r = validateView(input);
  expect(r.ok ? [] : r.issues).toEqual([]);
}
