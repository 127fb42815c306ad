/**
 * A small JSON Schema validator for the keywords `z.toJSONSchema` emits for the IR
 * (type, properties, required, items, enum, const, anyOf, oneOf, minimum, maximum,
 * pattern). An unknown keyword is an error, so a schema change cannot make the check
 * silently pass.
 */
type Schema = Record<string, unknown>;

const IGNORED = new Set(['$schema', 'default', 'description', 'title', 'additionalProperties']);
const KNOWN = new Set([
  'type',
  'properties',
  'required',
  'items',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'minimum',
  'maximum',
  'pattern',
]);

export function validate(schema: Schema, value: unknown, path = '$'): string[] {
  for (const key of Object.keys(schema)) {
    if (!KNOWN.has(key) && !IGNORED.has(key))
      throw new Error(`json-schema.ts does not know the keyword '${key}' (at ${path})`);
  }
  const errors: string[] = [];
  const fail = (msg: string) => errors.push(`${path}: ${msg}`);
  if (
    schema.anyOf &&
    !(schema.anyOf as Schema[]).some((s) => validate(s, value, path).length === 0)
  )
    fail('matches no anyOf branch');
  if (
    schema.oneOf &&
    (schema.oneOf as Schema[]).filter((s) => validate(s, value, path).length === 0).length !== 1
  )
    fail('matches not exactly one oneOf branch');
  if ('const' in schema && value !== schema.const) fail(`is not ${JSON.stringify(schema.const)}`);
  if (schema.enum && !(schema.enum as unknown[]).includes(value))
    fail(`is not one of ${JSON.stringify(schema.enum)}`);
  if (schema.type && !hasType(value, schema.type as string)) {
    fail(`is not of type ${schema.type as string}`);
    return errors;
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      fail(`is below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      fail(`is above ${schema.maximum}`);
  }
  if (
    typeof value === 'string' &&
    schema.pattern &&
    !new RegExp(schema.pattern as string, 'u').test(value)
  )
    fail(`does not match ${schema.pattern as string}`);
  if (Array.isArray(value) && schema.items)
    value.forEach((v, i) => errors.push(...validate(schema.items as Schema, v, `${path}[${i}]`)));
  if (isObject(value)) {
    for (const key of (schema.required as string[] | undefined) ?? [])
      if (!(key in value)) fail(`lacks '${key}'`);
    const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [key, sub] of Object.entries(props))
      if (key in value) errors.push(...validate(sub, value[key], `${path}.${key}`));
  }
  return errors;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasType(v: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    default:
      throw new Error(`unknown JSON Schema type '${type}'`);
  }
}
