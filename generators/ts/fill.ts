/**
 * fill.ts: the body of a ring's generated `fill()`, which writes a slot as the spec's
 * `on post` says. It runs once per posted descriptor (every TX post and RX refill), so it
 * stores as few times as it can while writing exactly the same bytes as one store per
 * field would: fields that together tile an aligned 32-bit word of the descriptor are
 * written as that word, with their constants folded and the posted length or-ed in; in
 * a word `on post` only partly writes (the device owns the rest), fields that tile an
 * aligned 16-bit half are written as that half. Everything else keeps its own store.
 * A word is assembled little-endian (the field at byte k of the word sits at bit 8k), as
 * the runtime's u16/u32 views over DMA memory and the device's descriptors both are.
 */
import type { DescBitRef, Descriptor, PostAssign, Ring } from '../../spec/ir.js';
import { hex } from '../emit.js';
import { TWO_POW_32 } from '../layout.js';
import { describeBits, describePost } from '../steps.js';
import { fieldStorage } from './dma.js';
import type { TsModule } from './module.js';

const BITS_PER_BYTE = 8;
const WORD_BYTES = 4;
const HALF_BYTES = 2;
const BIT_31 = 2 ** 31;
const HEX_DIGITS_PER_BYTE = 2;
/** Bytes of each descriptor field type. */
const BYTES = { u8: 1, u16: 2, u32: 4, u64: 8 } as const;

/** A descriptor field (or `on post` line) by where it sits: byte offset and type. */
interface Placed {
  offset: number;
  type: keyof typeof BYTES;
}

/** Whether fields `a` and `b` share a byte of the descriptor. */
export function sharesBytes(a: Placed, b: Placed): boolean {
  return a.offset < b.offset + BYTES[b.type] && b.offset < a.offset + BYTES[a.type];
}

/** A bit a posted descriptor sets only in some cases: end of frame, report status. */
export interface Conditional {
  ref: DescBitRef;
  /** The fill() parameter that says whether to set it. */
  flag: 'last' | 'report';
  /** What the generated comment says about it. */
  why: string;
}

/** The expression writing `value` with each conditional bit set only when its flag is. */
function conditionalValue(value: number, conds: readonly Conditional[]): string {
  const [c, ...rest] = conds;
  if (!c) return hex(value >>> 0, 2);
  const on = conditionalValue((value | c.ref.mask) >>> 0, rest);
  const off = conditionalValue((value & ~c.ref.mask) >>> 0, rest);
  const wrap = (x: string) => (rest.length > 0 ? `(${x})` : x);
  return `${c.flag} ? ${wrap(on)} : ${wrap(off)}`;
}

/** A flag's value in one case of a word's constant. */
type Flags = Partial<Record<Conditional['flag'], boolean>>;

/** Nested `flag ? a : b` over `flags`, each leaf the hex literal `leaf(case)` gives. */
function overFlags(
  flags: readonly Conditional['flag'][],
  leaf: (f: Flags) => number,
  digits: number,
  set: Flags = {},
): string {
  const [flag, ...rest] = flags;
  if (!flag) return hex(leaf(set), digits);
  const on = overFlags(rest, leaf, digits, { ...set, [flag]: true });
  const off = overFlags(rest, leaf, digits, { ...set, [flag]: false });
  const wrap = (x: string) => (rest.length > 0 ? `(${x})` : x);
  return `${flag} ? ${wrap(on)} : ${wrap(off)}`;
}

/** One `on post` field that may share a store: a constant (maybe with conditional bits) or the length. */
interface Part {
  post: PostAssign;
  offset: number;
  bytes: number;
  conds: Conditional[];
}

/** An aligned word or half written by one store, and the fields it holds, lowest byte first. */
interface Chunk {
  offset: number;
  bytes: number;
  parts: Part[];
}

/** The conditional bits that sit in the field `p` writes as a constant (fill() decides them). */
function condsOf(p: PostAssign, conds: readonly Conditional[]): Conditional[] {
  return conds.filter(
    (c) => p.source === 'const' && c.ref.offset === p.offset && c.ref.type === p.type,
  );
}

/**
 * The posted fields that may share a store: u8/u16/u32 constants and lengths at offsets
 * aligned to their size (a length only where the largest buffer fits the field, so
 * shifting it cannot reach the next field). None when two posted fields share a byte:
 * the stores then stay one per field, in the spec's order.
 */
function mergeableParts(ring: Ring, conds: readonly Conditional[]): Part[] {
  const overlap = ring.post.some((a, i) => ring.post.some((b, j) => i < j && sharesBytes(a, b)));
  if (overlap) return [];
  const parts: Part[] = [];
  for (const p of ring.post) {
    const bytes = BYTES[p.type];
    if (bytes > WORD_BYTES || p.offset % bytes !== 0) continue;
    const fits = ring.buffer.max < 2 ** (bytes * BITS_PER_BYTE);
    if (p.source === 'const' || (p.source === 'length' && fits)) {
      parts.push({ post: p, offset: p.offset, bytes, conds: condsOf(p, conds) });
    }
  }
  return parts;
}

/** The parts exactly tiling `[offset, offset + bytes)`, or undefined when any byte is left out. */
function tiling(parts: readonly Part[], offset: number, bytes: number): Part[] | undefined {
  const inside = parts
    .filter((p) => p.offset >= offset && p.offset + p.bytes <= offset + bytes)
    .sort((a, b) => a.offset - b.offset);
  const covered = inside.reduce((n, p) => n + p.bytes, 0);
  return covered === bytes ? inside : undefined;
}

/**
 * The stores that replace several per-field ones: each aligned 32-bit word tiled by two
 * or more mergeable fields, else each aligned 16-bit half of it tiled by two u8 fields.
 */
function planChunks(ring: Ring, size: number, conds: readonly Conditional[]): Chunk[] {
  const parts = mergeableParts(ring, conds);
  const chunks: Chunk[] = [];
  for (let word = 0; word + WORD_BYTES <= size; word += WORD_BYTES) {
    const whole = tiling(parts, word, WORD_BYTES);
    if (whole && whole.length > 1) {
      chunks.push({ offset: word, bytes: WORD_BYTES, parts: whole });
      continue;
    }
    for (let half = word; half < word + WORD_BYTES; half += HALF_BYTES) {
      const both = tiling(parts, half, HALF_BYTES);
      if (both && both.length > 1) chunks.push({ offset: half, bytes: HALF_BYTES, parts: both });
    }
  }
  return chunks;
}

/** A constant part's value with its conditional bits as `flags` say, cut to its width (as its store would). */
function partConstant(p: Part, flags: Flags): number {
  let v = p.post.value ?? 0;
  for (const c of p.conds) v = flags[c.flag] ? (v | c.ref.mask) >>> 0 : (v & ~c.ref.mask) >>> 0;
  return v % 2 ** (p.bytes * BITS_PER_BYTE);
}

/** Bit position of a part inside its chunk (little-endian). */
function shiftOf(chunk: Chunk, p: Part): number {
  return (p.offset - chunk.offset) * BITS_PER_BYTE;
}

/** The value a chunk's store writes: its constants folded, the length shifted in, uint32-exact. */
function chunkValue(chunk: Chunk, ring: Ring): string {
  const constants = chunk.parts.filter((p) => p.post.source === 'const');
  const lengths = chunk.parts.filter((p) => p.post.source === 'length');
  const flags = [...new Set(constants.flatMap((p) => p.conds.map((c) => c.flag)))];
  const wordOf = (f: Flags) =>
    constants.reduce((sum, p) => sum + partConstant(p, f) * 2 ** shiftOf(chunk, p), 0);
  let cases: Flags[] = [{}];
  for (const flag of flags) cases = cases.flatMap((f) => [f, { ...f, [flag]: true }]);
  const largest = Math.max(...cases.map(wordOf));
  const constant = overFlags(flags, wordOf, chunk.bytes * HEX_DIGITS_PER_BYTE);
  const terms = lengths.map((p) =>
    shiftOf(chunk, p) === 0 ? 'length' : `(length << ${shiftOf(chunk, p)})`,
  );
  if (terms.length === 0) return constant;
  if (flags.length > 0) terms.push(`(${constant})`);
  else if (largest !== 0) terms.push(constant);
  const expr = terms.join(' | ');
  // `|` and `<<` give int32: a value with bit 31 set comes out negative unless made unsigned.
  const topLength = Math.max(...lengths.map((p) => ring.buffer.max * 2 ** shiftOf(chunk, p)));
  const bit31 = chunk.bytes === WORD_BYTES && (largest >= BIT_31 || topLength >= BIT_31);
  return bit31 ? `(${expr}) >>> 0` : expr;
}

/** `bits 0..15 length, 16..23 cso, 24..31 cmd`. */
function bitMap(chunk: Chunk): string {
  return chunk.parts
    .map((p) => {
      const lo = shiftOf(chunk, p);
      return `${lo}..${lo + p.bytes * BITS_PER_BYTE - 1} ${p.post.field}`;
    })
    .join(', ');
}

/** The comment on a field's value: `cmd = EOP | IFCS | RS; cmd.EOP only on …`. */
function postComment(desc: Descriptor, p: PostAssign, conds: readonly Conditional[]): string {
  if (conds.length === 0) return describePost(desc, p);
  const bits = desc.fields.find((f) => f.name === p.field)?.bits;
  const notes = conds.map((c) => `${c.ref.field}.${c.ref.bit} ${c.why}`).join(', ');
  return `${p.field} = ${describeBits(p.value ?? 0, bits)}; ${notes}`;
}

function emitChunk(m: TsModule, ring: Ring, desc: Descriptor, chunk: Chunk): void {
  const w = m.body;
  const type = chunk.bytes === WORD_BYTES ? 'u32' : 'u16';
  const last = chunk.offset + chunk.bytes - 1;
  w.line(`// bytes ${chunk.offset}..${last} as one ${type} (bits ${bitMap(chunk)}):`);
  for (const p of chunk.parts) w.line(`//   ${postComment(desc, p.post, p.conds)}`);
  const st = fieldStorage('this.', desc.size, chunk.offset, type);
  for (const l of st.write(chunkValue(chunk, ring))) w.line(l);
}

/** One field's own store(s), as the spec's `on post` line says. */
function emitField(m: TsModule, desc: Descriptor, p: PostAssign, conds: Conditional[]): void {
  const w = m.body;
  const st = fieldStorage('this.', desc.size, p.offset, p.type);
  w.line(`// ${postComment(desc, p, conds)}`);
  if (p.source === 'const' && st.words) {
    // A u64 constant: both words folded here rather than split at run time.
    const v = p.value ?? 0;
    w.line(`${st.words.lo} = ${conditionalValue(v % TWO_POW_32, conds)};`);
    w.line(`${st.words.hi} = ${hex(Math.floor(v / TWO_POW_32) % TWO_POW_32, 2)};`);
    return;
  }
  const value =
    p.source === 'buffer'
      ? 'iova'
      : p.source === 'length'
        ? 'length'
        : conditionalValue(p.value ?? 0, conds);
  for (const l of st.write(value)) w.line(l);
}

/**
 * The statements of `fill()`: each posted field once, shared stores where fields tile a
 * word or half, then the conditional bits of fields `on post` does not write, cleared
 * where they must not be set (a read-modify-write of that field alone). `keepBuffer`:
 * the body of `fillKeepingBuffer()`, the same without the buffer address.
 */
export function emitFillBody(
  m: TsModule,
  ring: Ring,
  desc: Descriptor,
  conds: readonly Conditional[],
  bitHolder: (ref: DescBitRef) => string,
  keepBuffer = false,
): void {
  const w = m.body;
  const chunks = planChunks(ring, desc.size, conds);
  if (chunks.length > 0) {
    w.line('// Fields sharing an aligned word (or half) are stored as that word, assembled');
    w.line('// little-endian (byte k of the word is bits 8k..8k+7), as the u16/u32 views are.');
  }
  const chunkOf = new Map(chunks.flatMap((c) => c.parts.map((p) => [p.post, c] as const)));
  const emitted = new Set<Chunk>();
  const handled = new Set<Conditional>();
  for (const p of ring.post) {
    const here = condsOf(p, conds);
    for (const c of here) handled.add(c);
    const chunk = chunkOf.get(p);
    if (keepBuffer && p.source === 'buffer') {
      w.line(`// ${p.field}: the slot already holds its buffer's address`);
    } else if (!chunk) emitField(m, desc, p, here);
    else if (!emitted.has(chunk)) {
      emitted.add(chunk);
      emitChunk(m, ring, desc, chunk);
    }
  }
  for (const c of conds) {
    if (handled.has(c)) continue;
    // `on post` leaves the field as it is: only clear the bit where it must not be set.
    w.line(
      `if (!${c.flag}) ${bitHolder(c.ref)} &= ~${hex(c.ref.mask, 2)}; // ${c.ref.field}.${c.ref.bit} ${c.why}`,
    );
  }
}
