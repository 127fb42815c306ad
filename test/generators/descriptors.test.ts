/**
 * Descriptor codecs round-trip every field and every bit field of every format (and
 * writeback layout), in any slot, touching no byte outside the field.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DescriptorField, Field } from '../../spec/ir.js';
import { descriptorLayouts, fieldMask, fieldMax, typeBytes } from '../../generators/layout.js';
import { bitMethod, fieldMethod, layoutClass } from '../../generators/ts/descriptors.js';
import { dmaRegion } from './helpers/dma.js';
import { allCases, generatedModule } from './helpers/specs.js';
import { propParams } from './helpers/props.js';

const SLOTS = 5;
type Codec = Record<string, (...a: unknown[]) => unknown>;

function maxOf(f: DescriptorField): number {
  return f.type === 'u64' ? Number.MAX_SAFE_INTEGER : 2 ** (typeBytes(f.type) * 8) - 1;
}

/** Bytes of slot `slot` covered by a bit field (the whole field's bytes: bits share bytes). */
function fieldBytes(size: number, slot: number, f: DescriptorField): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < typeBytes(f.type); i++) out.add(slot * size + f.offset + i);
  return out;
}

function bitValue(b: Field, r: number): number {
  if (b.enum && b.enum.length > 0) return b.enum[r % b.enum.length].value;
  return r % (fieldMax(b) + 1);
}

describe.each(allCases())('descriptor codecs of $name', (spec) => {
  it('round-trip every field and bit field, leaving every other byte alone', async () => {
    const ir = await spec.load();
    const mod = await generatedModule(spec);
    for (const d of ir.descriptors) {
      for (const layout of descriptorLayouts(d)) {
        const Cls = mod[layoutClass(d, layout.kind)] as new (
          r: ReturnType<typeof dmaRegion>,
        ) => Codec;
        expect((Cls as unknown as { SIZE: number }).SIZE).toBe(d.size);
        const bitsConst = mod[`${layoutClass(d, layout.kind)}Bits`] as
          Record<string, Record<string, number>> | undefined;
        for (const f of layout.fields) {
          for (const b of f.bits)
            expect(bitsConst?.[f.name][b.name], `${d.name}.${f.name}.${b.name} mask`).toBe(
              fieldMask(b),
            );
          fc.assert(
            fc.property(
              fc.nat({ max: SLOTS - 1 }),
              fc.nat({ max: maxOf(f) }),
              fc.uint8Array({ minLength: d.size * SLOTS, maxLength: d.size * SLOTS }),
              fc.array(fc.nat(), { minLength: f.bits.length + 1, maxLength: f.bits.length + 1 }),
              (slot, value, noise, randoms) => {
                const region = dmaRegion(d.size * SLOTS);
                region.u8.set(noise);
                const codec = new Cls(region);
                const { get, set } = fieldMethod(f);
                codec[set](slot, value);
                expect(codec[get](slot), `${d.name}.${f.name}`).toBe(value);
                const mine = fieldBytes(d.size, slot, f);
                for (let i = 0; i < region.size; i++)
                  if (!mine.has(i)) expect(region.u8[i], `byte ${i} after ${set}`).toBe(noise[i]);
                f.bits.forEach((b, k) => {
                  const before = region.u8.slice();
                  const v = bitValue(b, randoms[k]);
                  const m = bitMethod(f, b);
                  codec[m.set](slot, fieldMax(b) === 1 ? v === 1 : v);
                  const got = codec[m.get](slot);
                  expect(
                    fieldMax(b) === 1 ? (got ? 1 : 0) : got,
                    `${d.name}.${f.name}.${b.name}`,
                  ).toBe(v);
                  // Every other bit of the field and every other byte is unchanged.
                  const whole = codec[get](slot) as number;
                  for (let i = 0; i < region.size; i++)
                    if (!mine.has(i)) expect(region.u8[i]).toBe(before[i]);
                  const lowBits = f.type === 'u64' ? 32 : typeBytes(f.type) * 8;
                  const keep = (2 ** lowBits - 1 - (b.lsb < 32 ? fieldMask(b) : 0)) >>> 0;
                  const prev = readWord(before, d.size, slot, f);
                  expect(
                    ((whole % 2 ** 32) & keep) >>> 0,
                    `${d.name}.${f.name} other bits after ${m.set}`,
                  ).toBe((prev & keep) >>> 0);
                });
              },
            ),
            propParams(20),
          );
        }
      }
    }
  });
});

/** The low 32 bits (or the whole narrower field) of a field from raw bytes, little-endian. */
function readWord(bytes: Uint8Array, size: number, slot: number, f: DescriptorField): number {
  const at = slot * size + f.offset;
  let v = 0;
  for (let i = Math.min(typeBytes(f.type), 4) - 1; i >= 0; i--) v = v * 256 + bytes[at + i];
  return v;
}
