/**
 * Golden outputs of every target for the fixture, e1000.nicdl and the examples, and
 * determinism: the same IR gives the same bytes, whatever order its items were declared in.
 * e1000's TypeScript golden is drivers/e1000/generated itself, so a stale copy fails here.
 * Accept an intended change: NICDL_UPDATE_GOLDEN=1 npx vitest run test/generators/golden.test.ts
 * (for e1000's TypeScript: npm run generate).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { generateDocs, generateTarget } from '../../generators/index.js';
import type { Device } from '../../spec/ir.js';
import {
  listFiles,
  otherFiles,
  readGolden,
  tsFiles,
  updating,
  writeGoldens,
} from './helpers/golden.js';
import { allCases, MINI } from './helpers/specs.js';
import { propParams } from './helpers/props.js';

function expectSame(
  dir: string,
  files: Map<string, string>,
  only: (name: string) => boolean,
  fix: string,
): void {
  const stale = listFiles(dir).filter((f) => only(f) && !files.has(f));
  expect(stale, `files in ${dir} no generator produces any more (${fix})`).toEqual([]);
  for (const [name, text] of files) {
    const golden = readGolden(dir, name);
    expect(golden, `${join(dir, name)} is missing (${fix})`).toBeDefined();
    expect(text === golden, `${join(dir, name)} is stale (${fix})`).toBe(true);
  }
}

describe.each(allCases())('golden outputs of $name', (spec) => {
  it('TypeScript matches the committed modules byte for byte', async () => {
    const files = tsFiles(await spec.load(), spec.tsDir);
    if (updating) writeGoldens(spec.tsDir, files);
    expectSame(spec.tsDir, files, (f) => f.endsWith('.ts'), spec.regenerate);
  });

  it('C header, JSON, Markdown and HTML match the committed files', async () => {
    const files = otherFiles(await spec.load());
    if (updating) writeGoldens(spec.goldenDir, files);
    expectSame(spec.goldenDir, files, (f) => !f.startsWith('ts/'), 'NICDL_UPDATE_GOLDEN=1');
  });
});

/** Every text every target produces for `ir`, concatenated in a fixed order. */
function everything(ir: Device): string {
  const parts: string[] = [];
  for (const t of ['ts', 'c-header', 'json'] as const)
    for (const [n, s] of generateTarget(ir, t)) parts.push(n, s);
  for (const [n, s] of generateDocs(ir)) parts.push(n, s);
  return parts.join('\u0000');
}

describe('determinism', () => {
  it('generates the same bytes twice', async () => {
    const ir = await MINI.load();
    expect(everything(ir)).toBe(everything(structuredClone(ir)));
  });

  it('does not depend on the order registers, fields and enum values are listed in', async () => {
    const base = await MINI.load();
    const expected = everything(base);
    fc.assert(
      fc.property(fc.infiniteStream(fc.nat()), (randoms) => {
        const shuffle = <T>(xs: T[]): T[] => {
          const out = [...xs];
          for (let i = out.length - 1; i > 0; i--) {
            const j = randoms.next().value % (i + 1);
            [out[i], out[j]] = [out[j], out[i]];
          }
          return out;
        };
        const ir = structuredClone(base);
        ir.registers = shuffle(ir.registers).map((r) => ({
          ...r,
          fields: shuffle(r.fields).map((f) => (f.enum ? { ...f, enum: shuffle(f.enum) } : f)),
        }));
        ir.descriptors = ir.descriptors.map((d) => ({
          ...d,
          fields: shuffle(d.fields).map((f) => ({ ...f, bits: shuffle(f.bits) })),
        }));
        expect(everything(ir)).toBe(expected);
      }),
      propParams(20),
    );
  });
});
