/**
 * e1000e.nicdl against itself, against e1000.nicdl and against its generated code: it
 * checks clean; what both specs import from drivers/common/intel-gbe.nicdl is the same
 * in both IRs; every register the two declare under one name agrees on its placement and
 * on every field both name (what lets the e1000e driver use the e1000's modules on it);
 * the transmit rings are the e1000's ring at queue 0 and one stride above; the extended
 * receive descriptor has both layouts and completion reads the writeback one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateTarget } from '../../../generators/index.js';
import { loadIr, loadSpec } from '../../../spec/index.js';
import type { Device, Ring } from '../../../spec/ir.js';
import { QUEUE_STRIDE } from '../../../drivers/e1000e/rings.js';
import { e1000Ir, ir, SPEC } from './helpers.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const COMMON = 'drivers/common/intel-gbe.nicdl';
/** Registers both specs name but lay out differently, on purpose: the 8257x EERD. */
const DIFFERENT_BY_DESIGN = new Set(['EERD']);

const strip = <T>(x: T): T =>
  JSON.parse(
    JSON.stringify(x, (k, v) => (k === 'loc' || k === 'doc' || k === 'ref' ? undefined : v)),
  );
const byName = <T extends { name: string }>(list: readonly T[]) =>
  new Map(list.map((x) => [x.name, x]));
const fromCommon = (x: { loc?: { file: string } }) => x.loc?.file.endsWith(COMMON) === true;

function regOffset(d: Device, name: string): number {
  const r = d.registers.find((x) => x.name === name);
  if (!r) throw new Error(`${d.name} has no register ${name}`);
  return r.offset;
}

function ringRegisters(d: Device, ring: Ring): number[] {
  const r = ring.registers;
  return [r.baseLo, r.baseHi, r.length, r.head, r.tail].map((n) => regOffset(d, n));
}

describe('e1000e.nicdl', () => {
  it('checks clean: no error, no warning', () => {
    const { ir: lowered, diagnostics } = loadSpec(SPEC);
    expect(diagnostics).toEqual([]);
    expect(lowered?.source.imports.map((p) => p.endsWith(COMMON))).toEqual([true]);
  });

  it('shares the common file with e1000.nicdl: the same registers, descriptors, sequences and constants', () => {
    const a = ir();
    const b = e1000Ir();
    for (const kind of ['registers', 'descriptors', 'sequences', 'constants'] as const) {
      const shared = (a[kind] as { name: string; loc?: { file: string } }[]).filter(fromCommon);
      expect(shared.length, kind).toBeGreaterThan(0);
      const other = byName(b[kind] as { name: string }[]);
      for (const item of shared)
        expect(strip(other.get(item.name)), `${kind} ${item.name}`).toEqual(strip(item));
    }
  });

  it('agrees with e1000.nicdl on every register both name: offset, width, and the bits of every field both name', () => {
    const theirs = byName(e1000Ir().registers);
    const checked: string[] = [];
    for (const r of ir().registers) {
      const o = theirs.get(r.name);
      if (!o || DIFFERENT_BY_DESIGN.has(r.name)) continue;
      checked.push(r.name);
      expect([r.offset, r.width, r.space, r.array], r.name).toEqual([
        o.offset,
        o.width,
        o.space,
        o.array,
      ]);
      const fields = byName(o.fields);
      for (const f of r.fields) {
        const g = fields.get(f.name);
        if (g) expect([f.lsb, f.msb], `${r.name}.${f.name}`).toEqual([g.lsb, g.msb]);
      }
    }
    // The registers the e1000 modules touch on the 82574L are among them.
    expect(checked).toEqual(
      expect.arrayContaining([
        'CTRL',
        'STATUS',
        'ICR',
        'IMS',
        'IMC',
        'RCTL',
        'TCTL',
        'TIDV',
        'MDIC',
        'RAL',
        'RAH',
        'MTA',
        'VFTA',
      ]),
    );
  });

  it('the differing EERD really differs (8257x: DONE bit 1, ADDR 15:2)', () => {
    const field = (d: Device, n: string) =>
      d.registers.find((r) => r.name === 'EERD')!.fields.find((f) => f.name === n)!;
    expect([field(ir(), 'DONE').lsb, field(ir(), 'ADDR').lsb]).toEqual([1, 2]);
    expect([field(e1000Ir(), 'DONE').lsb, field(e1000Ir(), 'ADDR').lsb]).toEqual([4, 8]);
  });

  it('tx0 is the e1000 tx ring, tx1 the same one stride (0x100) above', () => {
    const rings = byName(ir().rings);
    const e1000Tx = e1000Ir().rings.find((r) => r.name === 'tx')!;
    const same = (r: Ring) => strip({ ...r, name: '', registers: null, count: null, buffer: null });
    for (const name of ['tx0', 'tx1']) expect(same(rings.get(name)!), name).toEqual(same(e1000Tx));
    expect(ringRegisters(ir(), rings.get('tx0')!)).toEqual(ringRegisters(e1000Ir(), e1000Tx));
    expect(ringRegisters(ir(), rings.get('tx1')!)).toEqual(
      ringRegisters(e1000Ir(), e1000Tx).map((o) => o + QUEUE_STRIDE),
    );
    expect(QUEUE_STRIDE).toBe(0x100);
    // The e1000 ring class is used within e1000e's limits.
    expect(rings.get('tx0')!.buffer.max).toBeLessThanOrEqual(e1000Tx.buffer.max);
    expect(rings.get('tx0')!.count).toEqual(e1000Tx.count);
  });

  it('rx0 and rx1 post the read layout and complete from the writeback layout of RxExtended', () => {
    const d = ir().descriptors.find((x) => x.name === 'RxExtended')!;
    expect(d.fields.map((f) => [f.name, f.offset, f.type])).toEqual([
      ['addr', 0, 'u64'],
      ['dd_clear', 8, 'u64'],
    ]);
    expect(d.writeback?.map((f) => [f.name, f.offset, f.type])).toEqual([
      ['mrq', 0, 'u32'],
      ['rss_hash', 4, 'u32'],
      ['status', 8, 'u16'],
      ['errors', 11, 'u8'],
      ['length', 12, 'u16'],
      ['vlan', 14, 'u16'],
    ]);
    for (const name of ['rx0', 'rx1']) {
      const ring = ir().rings.find((r) => r.name === name)!;
      expect(ring.descriptor).toBe('RxExtended');
      expect(ring.done).toMatchObject({
        field: 'status',
        bit: 'DD',
        offset: 8,
        type: 'u16',
        mask: 1,
      });
      expect(ring.eop).toMatchObject({ field: 'status', bit: 'EOP', offset: 8, mask: 2 });
      expect(ring.lengthField).toEqual({ field: 'length', offset: 12, type: 'u16' });
      expect(ring.errorsField).toEqual({ field: 'errors', offset: 11, type: 'u8' });
      expect(ring.post.map((p) => [p.field, p.source, p.value ?? null])).toEqual([
        ['addr', 'buffer', null],
        ['dd_clear', 'const', 0],
      ]);
    }
    expect(
      ringRegisters(
        ir(),
        ir().rings.find((r) => r.name === 'rx1')!,
      ),
    ).toEqual(
      ringRegisters(
        ir(),
        ir().rings.find((r) => r.name === 'rx0')!,
      ).map((o) => o + QUEUE_STRIDE),
    );
  });

  it("the writeback status and error bits mean what the legacy descriptor's do (status low byte, errors byte)", () => {
    const legacy = e1000Ir().descriptors.find((x) => x.name === 'RxLegacy')!;
    const ext = ir().descriptors.find((x) => x.name === 'RxExtended')!.writeback!;
    for (const field of ['status', 'errors']) {
      const bits = byName(ext.find((f) => f.name === field)!.bits);
      for (const b of legacy.fields.find((f) => f.name === field)!.bits) {
        expect(
          bits.get(b.name) && [bits.get(b.name)!.lsb, bits.get(b.name)!.msb],
          `${field}.${b.name}`,
        ).toEqual([b.lsb, b.msb]);
      }
    }
  });

  it('drivers/e1000e/generated is what the generator makes of the spec today (npm run generate:e1000e)', () => {
    const cwd = process.cwd();
    process.chdir(REPO);
    let files: Map<string, string>;
    try {
      files = generateTarget(loadIr('drivers/e1000e/e1000e.nicdl'), 'ts', {
        runtimeImport: '../../../runtime/index.js',
      });
    } finally {
      process.chdir(cwd);
    }
    const dir = join(REPO, 'drivers/e1000e/generated');
    expect(readdirSync(dir).sort()).toEqual([...files.keys()].sort());
    for (const [name, text] of files)
      expect(readFileSync(join(dir, name), 'utf8') === text, `${name} is stale`).toBe(true);
  });
});
