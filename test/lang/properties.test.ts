/**
 * Properties (fast-check; a failure prints its seed and path, replay with
 * `fc.assert(..., { seed, path })`). NICDL_PROP_RUNS raises the number of runs.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../dsl/diagnostics.js';
import { format } from '../../dsl/format.js';
import { parse } from '../../dsl/parse.js';
import { compileSpec, type SpecResult } from '../../spec/index.js';
import { Device, irJsonSchema } from '../../spec/ir.js';
import { anySpec, consistentSpec, tokenSoup } from './arbitraries.js';
import { commentTexts, stripLocations } from './helpers.js';
import { validate } from './json-schema.js';

const RUNS = Number(process.env.NICDL_PROP_RUNS ?? 200);
const E1000 = 'drivers/e1000/e1000.nicdl';
const schema = irJsonSchema() as Record<string, unknown>;

/** Checks a result is well formed: known codes, spans inside the text, a valid IR if any. */
function wellFormed(result: SpecResult, text: string): void {
  for (const d of result.diagnostics) {
    expect(Object.keys(CATALOG)).toContain(d.code);
    if (d.span.file === '<input>' || d.span.file === E1000) {
      expect(d.span.start).toBeGreaterThanOrEqual(0);
      expect(d.span.end).toBeLessThanOrEqual(text.length);
      expect(d.span.start).toBeLessThanOrEqual(d.span.end);
    }
  }
  if (result.ir) expect(validate(schema, JSON.parse(JSON.stringify(result.ir)))).toEqual([]);
}

describe('the formatter on generated specs', () => {
  it('parses the generated specs without syntax errors (the generator is sound)', () => {
    fc.assert(
      fc.property(anySpec, (text) => {
        const { complete, diagnostics } = parse(text, 'g.nicdl');
        expect(diagnostics.filter((d) => d.code === 'NDL001')).toEqual([]);
        expect(complete).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('is idempotent, keeps every comment, and parse(fmt(s)) equals parse(s) modulo locations', () => {
    fc.assert(
      fc.property(anySpec, (text) => {
        const original = parse(text, 'g.nicdl');
        const once = format(text, 'g.nicdl').text as string;
        expect(format(once, 'g.nicdl').text).toBe(once);
        const again = parse(once, 'g.nicdl');
        expect(stripLocations(again.ast)).toEqual(stripLocations(original.ast));
        expect(commentTexts(again.ast.comments)).toEqual(commentTexts(original.ast.comments));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the checker on consistent specs', () => {
  it('accepts them, and their IR validates against the JSON Schema and the zod schema', () => {
    fc.assert(
      fc.property(consistentSpec, (text) => {
        const result = compileSpec(text);
        expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(result.ir).toBeDefined();
        const json = JSON.parse(JSON.stringify(result.ir));
        expect(validate(schema, json)).toEqual([]);
        expect(Device.parse(json)).toEqual(result.ir);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('never throws, only reports', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })),
        (text) => {
          wellFormed(compileSpec(text), text);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('on language words in random order', () => {
    fc.assert(
      fc.property(tokenSoup, (text) => {
        wellFormed(compileSpec(text), text);
        format(text);
      }),
      { numRuns: RUNS },
    );
  });

  it('on generated specs with random edits (deletions and insertions)', () => {
    const edited = fc
      .tuple(
        anySpec,
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.nat(8),
            fc.constantFrom('', '{', '}', '"', '/*', '[', 'register', '\n', '@'),
          ),
          { minLength: 1, maxLength: 4 },
        ),
      )
      .map(([text, edits]) =>
        edits.reduce((t, [at, del, ins]) => {
          const i = at % (t.length + 1);
          return t.slice(0, i) + ins + t.slice(i + del);
        }, text),
      );
    fc.assert(
      fc.property(edited, (text) => {
        wellFormed(compileSpec(text), text);
        format(text);
      }),
      { numRuns: RUNS },
    );
  });

  it(`on every line-end truncation of ${E1000}, and on truncations mid-line`, () => {
    const text = readFileSync(E1000, 'utf8');
    const cuts = new Set<number>();
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) cuts.add(i);
    for (const cut of cuts) wellFormed(compileSpec(text.slice(0, cut), E1000), text.slice(0, cut));
    fc.assert(
      fc.property(fc.nat(text.length), (cut) => {
        wellFormed(compileSpec(text.slice(0, cut), E1000), text.slice(0, cut));
      }),
      // Mid-line cuts cost a full check each: half the runs of the cheaper properties.
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
