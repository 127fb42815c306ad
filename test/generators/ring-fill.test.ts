/**
 * A generated ring's fill() (one store per aligned word or half where posted fields tile
 * it) writes exactly the bytes the spec's `on post` list says, field by field, for every
 * ring of the fixture, the examples, e1000 and e1000e: each case of last/report, lengths
 * from 1 to the buffer maximum, IOVAs with bit 31 set and above 2^32. Bytes `on post`
 * does not write (the device's: RX legacy `special`, `length`, `csum`) keep what they
 * held, and a fill never strays into a neighbouring slot.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DescBitRef, Device, Ring } from '../../spec/ir.js';
import type { DmaRegion, Mmio, RingOptions } from '../../runtime/index.js';
import { descriptorNamed } from '../../generators/layout.js';
import { batchableReport, ringClass } from '../../generators/ts/rings.js';
import { dmaRegion } from './helpers/dma.js';
import { tsFiles } from './helpers/golden.js';
import { allCases, E1000E, generatedModule, type SpecCase } from './helpers/specs.js';
import { propParams } from './helpers/props.js';
import { packedPostIr } from './fixtures/packed-post-ir.js';

/** A spec's IR and its generated module. */
interface Source {
  name: string;
  load(): Promise<{ ir: Device; mod: Record<string, unknown> }>;
}

const committed = (spec: SpecCase): Source => ({
  name: spec.name,
  load: async () => ({ ir: await spec.load(), mod: await generatedModule(spec) }),
});

const E1000E_SOURCE = committed(E1000E);

/** Generated into a scratch directory: the fixture has no committed output. */
const scratch: string[] = [];
const PACKED: Source = {
  name: 'packed-post fixture',
  load: async () => {
    const ir = packedPostIr();
    const dir = mkdtempSync(join(tmpdir(), 'nicdl-fill-'));
    scratch.push(dir);
    for (const [name, text] of tsFiles(ir, dir)) writeFileSync(join(dir, name), text);
    const mod = (await import(/* @vite-ignore */ join(dir, 'index.ts'))) as Record<string, unknown>;
    return { ir, mod };
  },
};
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

interface FillRing {
  fill(slot: number, iova: number, length: number, last: boolean, report: boolean): void;
  post(iova: number, length: number, cookie?: number, last?: boolean): boolean;
}

type RingCtor = new (mmio: Mmio, region: DmaRegion, options?: RingOptions) => FillRing;

const COUNT = 8;
const BYTES = { u8: 1, u16: 2, u32: 4, u64: 8 } as const;
/** Low word 0, bit 31 set, the top of 32 bits, above 2^32, above 2^32 with bit 31, near 2^53. */
const IOVAS = [
  0x1000,
  0x8000_0000,
  0xffff_f800,
  0x1_2345_6780,
  0x1_8000_0800,
  0x7f_ffff_f000,
  2 ** 52 + 0x8000_1000,
];

/** What a slot holds before a fill: never 0, and different from byte to byte (a misplaced byte shows). */
const pattern = (at: number) => 0x80 | ((at * 37) & 0x7f);

interface Fixture {
  ir: Device;
  ring: Ring;
  size: number;
  ctor: RingCtor;
}

async function fixtures(source: Source): Promise<Fixture[]> {
  const { ir, mod } = await source.load();
  return ir.rings.map((ring) => ({
    ir,
    ring,
    size: descriptorNamed(ir, ring.descriptor, 'test').size,
    ctor: mod[ringClass(ring)] as RingCtor,
  }));
}

function build(f: Fixture): { ring: FillRing; region: DmaRegion } {
  const region = dmaRegion(f.size * COUNT, 0);
  for (let i = 0; i < region.size; i++) region.u8[i] = pattern(i);
  return { ring: new f.ctor({} as Mmio, region, { count: COUNT }), region };
}

/** Bits `fill` sets or clears by its last/report arguments, as the generator is told to. */
function conditionals(f: Fixture): { ref: DescBitRef; flag: 'last' | 'report' }[] {
  const out: { ref: DescBitRef; flag: 'last' | 'report' }[] = [];
  if (f.ring.direction === 'tx' && f.ring.lastOfFrame)
    out.push({ ref: f.ring.lastOfFrame, flag: 'last' });
  const report = batchableReport(f.ir, f.ring);
  if (report) out.push({ ref: report, flag: 'report' });
  return out;
}

function setField(view: DataView, at: number, type: DescBitRef['type'], v: bigint): void {
  const bits = BigInt(BYTES[type] * 8);
  const cut = BigInt.asUintN(Number(bits), v);
  if (type === 'u8') view.setUint8(at, Number(cut));
  else if (type === 'u16') view.setUint16(at, Number(cut), true);
  else if (type === 'u32') view.setUint32(at, Number(cut), true);
  else view.setBigUint64(at, cut, true);
}

function getField(view: DataView, at: number, type: DescBitRef['type']): bigint {
  if (type === 'u8') return BigInt(view.getUint8(at));
  if (type === 'u16') return BigInt(view.getUint16(at, true));
  if (type === 'u32') return BigInt(view.getUint32(at, true));
  return view.getBigUint64(at, true);
}

/**
 * The slot as the IR says a post leaves it: each `on post` field stored on its own,
 * little-endian, over `before`; the conditional bits set or cleared per `last`/`report`.
 */
function expectedSlot(
  f: Fixture,
  before: Uint8Array,
  iova: number,
  length: number,
  last: boolean,
  report: boolean,
): Uint8Array {
  const out = Uint8Array.from(before);
  const view = new DataView(out.buffer);
  const flags = { last, report };
  const conds = conditionals(f);
  const posted = (ref: DescBitRef) =>
    f.ring.post.some((p) => p.source === 'const' && p.offset === ref.offset && p.type === ref.type);
  for (const p of f.ring.post) {
    let v =
      p.source === 'buffer'
        ? BigInt(iova)
        : p.source === 'length'
          ? BigInt(length)
          : BigInt(p.value ?? 0);
    for (const c of conds) {
      if (p.source !== 'const' || c.ref.offset !== p.offset || c.ref.type !== p.type) continue;
      const mask = BigInt(c.ref.mask);
      v = flags[c.flag] ? v | mask : v & ~mask;
    }
    setField(view, p.offset, p.type, v);
  }
  // A conditional bit in a field `on post` leaves alone is only ever cleared.
  for (const c of conds) {
    if (posted(c.ref) || flags[c.flag]) continue;
    const v = getField(view, c.ref.offset, c.ref.type) & ~BigInt(c.ref.mask);
    setField(view, c.ref.offset, c.ref.type, v);
  }
  return out;
}

function slotBytes(region: DmaRegion, size: number, slot: number): Uint8Array {
  return region.u8.slice(slot * size, (slot + 1) * size);
}

/** Fills `slot` and checks it against the per-field reference and its neighbours against the pattern. */
function checkFill(
  f: Fixture,
  slot: number,
  iova: number,
  length: number,
  last: boolean,
  report: boolean,
): void {
  const { ring, region } = build(f);
  const before = slotBytes(region, f.size, slot);
  ring.fill(slot, iova, length, last, report);
  const label = `${f.ring.name} slot ${slot} iova 0x${iova.toString(16)} length ${length} last ${last} report ${report}`;
  expect([...slotBytes(region, f.size, slot)], label).toEqual([
    ...expectedSlot(f, before, iova, length, last, report),
  ]);
  for (let i = 0; i < region.size; i++) {
    if (Math.floor(i / f.size) !== slot && region.u8[i] !== pattern(i))
      expect.fail(`${label}: byte ${i} outside the slot changed`);
  }
}

describe.each([...allCases().map(committed), E1000E_SOURCE, PACKED])(
  'fill() of $name rings',
  (spec) => {
    it('writes the bytes `on post` declares, field by field, for every last/report, length and IOVA', async () => {
      for (const f of await fixtures(spec)) {
        const lengths = [1, 60, 1514, f.ring.buffer.max].filter((n) => n <= f.ring.buffer.max);
        for (const slot of [0, 1, COUNT - 1])
          for (const iova of IOVAS)
            for (const length of lengths)
              for (const last of [true, false])
                for (const report of [true, false]) checkFill(f, slot, iova, length, last, report);
      }
    });

    it('matches the per-field reference for any IOVA below 2^53 and any legal length (property)', async () => {
      for (const f of await fixtures(spec)) {
        fc.assert(
          fc.property(
            fc.nat({ max: COUNT - 1 }),
            fc.maxSafeNat(),
            fc.integer({ min: 1, max: f.ring.buffer.max }),
            fc.boolean(),
            fc.boolean(),
            (slot, iova, length, last, report) => checkFill(f, slot, iova, length, last, report),
          ),
          propParams(200),
        );
      }
    });

    it('post() leaves the bytes of fields `on post` does not write as they were', async () => {
      const untouchedByRing = new Map<string, string[]>();
      for (const f of await fixtures(spec)) {
        const desc = descriptorNamed(f.ir, f.ring.descriptor, 'test');
        const written = (off: number) =>
          f.ring.post.some((p) => off >= p.offset && off < p.offset + BYTES[p.type]) ||
          conditionals(f).some(
            (c) => off >= c.ref.offset && off < c.ref.offset + BYTES[c.ref.type],
          );
        const untouched = desc.fields.filter((field) => {
          const bytes = Array.from({ length: BYTES[field.type] }, (_, k) => field.offset + k);
          return bytes.every((b) => !written(b));
        });
        untouchedByRing.set(
          f.ring.name,
          untouched.map((x) => x.name),
        );
        for (const last of [true, false]) {
          const { ring, region } = build(f);
          expect(ring.post(0x1_8000_0800, 60, 0, last)).toBe(true);
          for (const field of untouched) {
            for (let k = 0; k < BYTES[field.type]; k++) {
              const at = field.offset + k;
              expect(region.u8[at], `${f.ring.name}: ${field.name} byte ${k}`).toBe(pattern(at));
            }
          }
        }
      }
      // The case the merged stores must respect: RX legacy's `special` sits next to the
      // status and errors bytes `on post` clears, in the same 32-bit word.
      if (spec.name === 'e1000') expect(untouchedByRing.get('rx')).toContain('special');
      if (spec === PACKED) expect(untouchedByRing.get('half')).toEqual(['special']);
    });
  },
);
