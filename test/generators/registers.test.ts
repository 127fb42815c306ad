/**
 * Every field of every BAR register, for every spec: the generated accessors against an
 * in-memory BAR implementing the IR's access semantics (helpers/semantic-mmio.ts).
 * - set then get returns the value; the other fields are untouched, except the bits a
 *   read-modify-write must write as 0 (w1c bits keep their value, self-clearing and
 *   write-only bits read back 0);
 * - ro fields and registers cannot be changed; rc registers clear on readAndClear;
 *   w1c registers clear exactly the bits written 1, w1s set exactly those;
 * - multi-bit values that do not fit throw E_FIELD_RANGE and write nothing;
 * - array indices outside the array throw E_REGISTER_INDEX;
 * - every field codec: get(set(x, v)) == v and set leaves the other bits of x alone.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Device, Field, Register } from '../../spec/ir.js';
import {
  canRead,
  elementOffset,
  fieldAccess,
  fieldMask,
  fieldMax,
  fieldWidth,
  modifyKeepMask,
} from '../../generators/layout.js';
import { hasFieldCode } from '../../generators/ts/codecs.js';
import { NicdlError } from '../../spec/errors.js';
import { SemanticMmio } from './helpers/semantic-mmio.js';
import { allCases, generatedModule, type SpecCase } from './helpers/specs.js';
import { propParams } from './helpers/props.js';

type Fn = (...args: unknown[]) => unknown;
type Accessor = Record<string, Fn> & { count?: number };
type Codec = Record<
  string,
  { get(v: number): number; set(v: number, x: number): number; mask: number }
>;

/** A value for field `f` from a random 32-bit number: an enum value when the field has an enum. */
function valueFor(f: Field, r: number): number {
  if (f.enum && f.enum.length > 0) return f.enum[r % f.enum.length].value;
  return r % (fieldMax(f) + 1);
}

function bitsOf(f: Field, v: number): number {
  return ((v & fieldMask(f)) >>> 0) / 2 ** f.lsb;
}

/** The bits a one-field write of `f` may change besides f (none for plain fields). */
function droppedMask(reg: Register): number {
  return ~modifyKeepMask(reg) >>> 0;
}

interface Env {
  mmio: SemanticMmio;
  acc: Accessor;
  off: number;
  call: (method: string, ...args: unknown[]) => unknown;
}

function env(ir: Device, mod: Record<string, unknown>, reg: Register, index: number): Env {
  const mmio = new SemanticMmio(ir, reg.bar);
  const regs = (mod.registers as (m: SemanticMmio) => Record<string, Accessor>)(mmio);
  const acc = regs[reg.name];
  const off = elementOffset(reg, index);
  const call = (method: string, ...args: unknown[]) => {
    const fn = acc[method];
    if (typeof fn !== 'function') throw new Error(`${reg.name} has no method ${method}`);
    return reg.array ? fn.call(acc, index, ...args) : fn.call(acc, ...args);
  };
  return { mmio, acc, off, call };
}

/** After writing field `f` of an rw register: what every other field must hold. */
function expectOthersKept(reg: Register, f: Field, before: number, after: number): void {
  const dropped = droppedMask(reg);
  for (const g of reg.fields) {
    if (g === f) continue;
    const a = fieldAccess(reg, g);
    const writtenAsZero = (fieldMask(g) & dropped) !== 0 && a !== 'w1c';
    const expected = writtenAsZero ? 0 : bitsOf(g, before);
    expect(bitsOf(g, after), `${reg.name}.${g.name} after writing ${f.name}`).toBe(expected);
  }
  let fieldBits = 0;
  for (const g of reg.fields) fieldBits |= fieldMask(g);
  const unnamed = ~fieldBits >>> 0;
  expect((after & unnamed) >>> 0, `${reg.name}: bits outside any field`).toBe(
    (before & unnamed) >>> 0,
  );
}

function checkRwField(e: Env, reg: Register, f: Field, init: number, r: number): void {
  const access = fieldAccess(reg, f);
  const wo = e.mmio.word(e.off).classes.wo;
  e.mmio.poke(e.off, init);
  if (canRead(access)) expect(e.call(`get${f.name}`)).toBe(bitsOf(f, init & ~wo));
  else expect(e.acc[`get${f.name}`], `${reg.name}.${f.name} is write-only`).toBeUndefined();
  e.mmio.poke(e.off, init);
  const before = e.mmio.peek(e.off);
  if (access === 'rw' || access === 'wo') {
    const v = valueFor(f, r);
    e.call(`set${f.name}`, v);
    const after = e.mmio.peek(e.off);
    expect(bitsOf(f, after), `${reg.name}.${f.name} after set${f.name}(${v})`).toBe(v);
    expectOthersKept(reg, f, before, after);
  } else if (access === 'w1c' || access === 'w1s') {
    e.call(`${access === 'w1c' ? 'clear' : 'set'}${f.name}`);
    const after = e.mmio.peek(e.off);
    expect(bitsOf(f, after)).toBe(access === 'w1c' ? 0 : fieldMax(f));
    expectOthersKept(reg, f, before, after);
  } else {
    // ro (or rc) field in a writable register: no setter, and writes leave it alone.
    expect(e.acc[`set${f.name}`], `${reg.name}.${f.name} is ${access}: no setter`).toBeUndefined();
    e.call('write', 0xffff_ffff ^ init);
    if (access === 'ro') expect(bitsOf(f, e.mmio.peek(e.off))).toBe(bitsOf(f, init));
  }
}

function checkRangeError(e: Env, reg: Register, f: Field, init: number): void {
  if (f.enum || fieldWidth(f) === 1 || fieldMax(f) >= 0xffff_ffff) return;
  e.mmio.poke(e.off, init);
  const writes = e.mmio.log.length;
  expect(() => e.call(`set${f.name}`, fieldMax(f) + 1)).toThrow(NicdlError);
  try {
    e.call(`set${f.name}`, fieldMax(f) + 1);
  } catch (err) {
    expect((err as NicdlError).code).toBe('E_FIELD_RANGE');
  }
  expect(e.mmio.log.slice(writes).filter((a) => a.op === 'w')).toEqual([]);
}

function checkRegister(
  ir: Device,
  mod: Record<string, unknown>,
  reg: Register,
  init: number,
  index: number,
  randoms: number[],
): void {
  const e = env(ir, mod, reg, index);
  const codec = mod[reg.name] as Codec;
  reg.fields.forEach((f, i) => {
    const v = valueFor(f, randoms[i % randoms.length]);
    const c = codec[f.name];
    expect(c.get(c.set(init, v)), `codec ${reg.name}.${f.name}`).toBe(v);
    expect((c.set(init, v) & ~c.mask) >>> 0).toBe((init & ~c.mask) >>> 0);
  });
  switch (reg.access) {
    case 'rw':
      reg.fields.forEach((f, i) => {
        checkRwField(e, reg, f, init, randoms[i % randoms.length]);
        if (fieldAccess(reg, f) === 'rw') checkRangeError(e, reg, f, init);
      });
      return;
    case 'ro':
      expect(e.acc.write).toBeUndefined();
      expect(e.acc.modify).toBeUndefined();
      e.mmio.poke(e.off, init);
      for (const f of reg.fields) expect(e.call(`get${f.name}`)).toBe(bitsOf(f, init));
      expect(e.call('read')).toBe(init);
      return;
    case 'rc':
      expect(e.acc.read).toBeUndefined();
      expect(e.acc.modify).toBeUndefined();
      e.mmio.poke(e.off, init);
      expect(e.call('readAndClear')).toBe(init);
      expect(e.mmio.peek(e.off)).toBe(0);
      return;
    case 'w1c':
    case 'w1s': {
      const verb = reg.access === 'w1c' ? 'clear' : 'set';
      expect(e.acc.modify).toBeUndefined();
      expect(e.acc[reg.access === 'w1c' ? 'set' : 'clear']).toBeUndefined();
      reg.fields.forEach((f, i) => {
        const mask =
          fieldMask(f) & (randoms[i % randoms.length] | fieldMask({ lsb: f.lsb, msb: f.lsb }));
        e.mmio.poke(e.off, init);
        e.call(verb, mask);
        expect(e.mmio.peek(e.off)).toBe(
          verb === 'clear' ? (init & ~mask) >>> 0 : (init | mask) >>> 0,
        );
        e.mmio.poke(e.off, init);
        e.call(`${verb}Fields`, (w: Record<string, Fn>) =>
          w[f.name](fieldWidth(f) === 1 ? 1 : fieldMax(f)),
        );
        expect(e.mmio.peek(e.off)).toBe(
          verb === 'clear' ? (init & ~fieldMask(f)) >>> 0 : (init | fieldMask(f)) >>> 0,
        );
        expect(e.call(`get${f.name}`)).toBe(bitsOf(f, e.mmio.peek(e.off)));
      });
      return;
    }
    case 'wo':
      expect(e.acc.read).toBeUndefined();
      reg.fields.forEach((f, i) => {
        const v = valueFor(f, randoms[i % randoms.length]);
        e.mmio.poke(e.off, init);
        e.call('writeFields', (w: Record<string, Fn>) => w[f.name](v));
        const after = e.mmio.peek(e.off);
        expect(bitsOf(f, after)).toBe(v);
        for (const g of reg.fields)
          if (g !== f)
            expect(bitsOf(g, after), `${reg.name}.${g.name} from reset`).toBe(bitsOf(g, reg.reset));
      });
      return;
  }
}

describe.each(allCases())('registers of $name', (spec: SpecCase) => {
  it('every field of every register: set/get, neighbours, access semantics', async () => {
    const ir = await spec.load();
    const mod = await generatedModule(spec);
    const regs = ir.registers.filter((r) => r.space === undefined && hasFieldCode(r));
    expect(regs.length).toBeGreaterThan(0);
    for (const reg of regs) {
      const index = fc.nat({ max: (reg.array?.count ?? 1) - 1 });
      fc.assert(
        fc.property(
          fc.nat({ max: 0xffff_ffff }),
          index,
          fc.array(fc.nat({ max: 0xffff_ffff }), { minLength: 1, maxLength: 40 }),
          (init, i, randoms) => checkRegister(ir, mod, reg, init, i, randoms),
        ),
        propParams(30),
      );
    }
  });

  it('whole-register reads and writes of field-less registers go to the right offset', async () => {
    const ir = await spec.load();
    const mod = await generatedModule(spec);
    for (const reg of ir.registers.filter(
      (r) => r.space === undefined && r.width === 32 && r.fields.length === 0,
    )) {
      const count = reg.array?.count ?? 1;
      const index = count - 1;
      const e = env(ir, mod, reg, index);
      const value = 0xa5a5_5a5a;
      if (reg.access === 'rw' || reg.access === 'wo') {
        e.call('write', value);
        expect(e.mmio.peek(e.off), reg.name).toBe(value);
      }
      if (reg.access === 'rw' || reg.access === 'ro') {
        e.mmio.poke(e.off, value);
        expect(e.call('read'), reg.name).toBe(value);
      }
      if (reg.access === 'rc') {
        e.mmio.poke(e.off, value);
        expect(e.call('readAndClear'), reg.name).toBe(value);
        expect(e.mmio.peek(e.off)).toBe(0);
      }
    }
  });

  it('array accessors check their index', async () => {
    const ir = await spec.load();
    const mod = await generatedModule(spec);
    for (const reg of ir.registers.filter((r) => r.space === undefined && r.array)) {
      const mmio = new SemanticMmio(ir, reg.bar);
      const acc = (mod.registers as (m: SemanticMmio) => Record<string, Accessor>)(mmio)[reg.name];
      const count = reg.array!.count;
      expect(acc.count).toBe(count);
      for (const bad of [-1, count, 0.5, Number.NaN]) {
        let thrown: unknown;
        try {
          (acc.offsetOf as Fn).call(acc, bad);
        } catch (err) {
          thrown = err;
        }
        expect(thrown, `${reg.name}[${bad}]`).toBeInstanceOf(NicdlError);
        expect((thrown as NicdlError).code).toBe('E_REGISTER_INDEX');
      }
      expect((acc.offsetOf as Fn).call(acc, count - 1)).toBe(elementOffset(reg, count - 1));
    }
  });

  it('split 64-bit registers read low word first and combine both halves', async () => {
    const ir = await spec.load();
    const mod = await generatedModule(spec);
    for (const reg of ir.registers.filter((r) => r.space === undefined && r.width === 64)) {
      fc.assert(
        fc.property(fc.nat({ max: 0xffff_ffff }), fc.nat({ max: 0x1f_ffff }), (lo, hi) => {
          const e = env(ir, mod, reg, 0);
          e.mmio.poke(e.off, lo);
          e.mmio.poke(e.off + 4, hi);
          const read = reg.access === 'rc' ? 'readAndClear' : 'read';
          expect(e.call(read)).toBe(hi * 2 ** 32 + lo);
          expect(e.mmio.log.map((a) => a.offset)).toEqual([e.off, e.off + 4]);
          if (reg.access === 'rc') {
            expect(e.mmio.peek(e.off)).toBe(0);
          } else {
            expect(e.call(`${read}Big`)).toBe((BigInt(hi) << 32n) | BigInt(lo));
          }
          if (reg.access === 'rw') {
            e.call('write', hi * 2 ** 32 + lo);
            expect([e.mmio.peek(e.off), e.mmio.peek(e.off + 4)]).toEqual([lo, hi]);
          }
        }),
        propParams(20),
      );
    }
  });

  it('Counters accumulate clear-on-read counters and the differences of wrapping ones', async () => {
    const ir = await spec.load();
    const mod = await generatedModule(spec);
    const counters = ir.registers.filter((r) => r.counter && r.space === undefined);
    if (counters.length === 0) return;
    const bars = [
      ...new Set(ir.registers.filter((r) => r.space === undefined).map((r) => r.bar)),
    ].sort();
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 0xffff_ffff }), { minLength: 2, maxLength: 4 }),
        (rounds) => {
          const mmio = new SemanticMmio(ir, 0);
          const Ctor = mod.Counters as new (
            ...m: SemanticMmio[]
          ) => Record<string, unknown> & { accumulate(): void; snapshot(): Record<string, number> };
          const totals = new Ctor(...bars.map(() => mmio));
          const expected = new Map<string, number>();
          const raw = new Map<string, number>();
          for (const value of rounds) {
            for (const c of counters) {
              for (let i = 0; i < (c.array?.count ?? 1); i++) {
                const key = c.array ? `${c.name}[${i}]` : c.name;
                const off = elementOffset(c, i);
                if (c.access === 'rc') {
                  mmio.poke(off, value);
                  if (c.width === 64) mmio.poke(off + 4, 1);
                  expected.set(
                    key,
                    (expected.get(key) ?? 0) + value + (c.width === 64 ? 2 ** 32 : 0),
                  );
                } else if (c.width === 32) {
                  const now = ((raw.get(key) ?? 0) + value) % 2 ** 32;
                  mmio.poke(off, now);
                  expected.set(key, (expected.get(key) ?? 0) + value);
                  raw.set(key, now);
                } else {
                  mmio.poke(off, value);
                  mmio.poke(off + 4, 0);
                  expected.set(key, value);
                }
              }
            }
            totals.accumulate();
          }
          expect(totals.snapshot()).toEqual(Object.fromEntries(expected));
        },
      ),
      propParams(20),
    );
  });
});
