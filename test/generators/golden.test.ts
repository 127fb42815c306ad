/**
 * Golden outputs of every target for the fixture, e1000.nicdl and the examples, and
 * determinism: the same IR gives the same bytes, whatever order its items were declared in.
 * Regenerate after an intended change: NICDL_UPDATE_GOLDEN=1 npx vitest run test/generators/golden.test.ts
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateDocs, generateTarget } from '../../generators/index.js';
import type { Device } from '../../spec/ir.js';
import { goldenFiles, listFiles, readGolden, updating, writeGoldens } from './helpers/golden.js';
import { allCases, MINI } from './helpers/specs.js';
import { propParams } from './helpers/props.js';

describe.each(allCases())('golden outputs of $name', (spec) => {
  it('match the committed files byte for byte', async () => {
    const files = goldenFiles(await spec.load(), spec.goldenDir);
    if (updating) writeGoldens(spec.goldenDir, files);
    const stale = listFiles(spec.goldenDir).filter((f) => !files.has(f));
    expect(stale, `golden files no generator produces any more in ${spec.goldenDir}`).toEqual([]);
    for (const [name, text] of files) {
      const golden = readGolden(spec.goldenDir, name);
      expect(golden, `${spec.goldenDir}/${name} is missing (NICDL_UPDATE_GOLDEN=1 to create)`).toBeDefined();
      expect(text === golden, `${name} differs from its golden (NICDL_UPDATE_GOLDEN=1 to accept)`).toBe(true);
    }
  });
});

/** Every text every target produces for `ir`, concatenated in a fixed order. */
function everything(ir: Device): string {
  const parts: string[] = [];
  for (const t of ['ts', 'c-header', 'json'] as const) for (const [n, s] of generateTarget(ir, t)) parts.push(n, s);
  for (const [n, s] of generateDocs(ir)) parts.push(n, s);
  return parts.join('\u0000');
}

describe('determinism', () => {
  it('generates the same bytes twice', () => {
    const ir = MINI.load;
    return ir().then((d) => expect(everything(d)).toBe(everything(structuredClone(d))));
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
        ir.descriptors = ir.descriptors.map((d) => ({ ...d, fields: shuffle(d.fields).map((f) => ({ ...f, bits: shuffle(f.bits) })) }));
        expect(everything(ir)).toBe(expected);
      }),
      propParams(20),
    );
  });
});
