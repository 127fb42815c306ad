/**
 * The twin's register storage, built from the IR: one word array per BAR and one per
 * indirect space, each word with its reset value and access semantics (semantics.ts).
 *
 * Two ways in:
 * - `read` / `write`: a software access, with the IR's semantics (rc clears, ro writes
 *   ignored and reported, w1c/w1s, wo reads 0, split counters latch the high word).
 * - `peek` / `poke` and the counter helpers: the hardware's own view, no semantics.
 *   A behaviour plugin uses these to model what the device does.
 * Words the IR does not declare are plain storage (reads return what was last stored).
 */
import type { Device } from '../../spec/ir.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { barWords, spaceWords, type PlacedWord, type WordSpec } from './register-map.js';
import {
  afterRead,
  afterWrite,
  readValue,
  writeViolation,
  type WriteViolation,
} from './semantics.js';

const BYTES_PER_WORD = 4;
const TWO_POW_32 = 2 ** 32;
const U32_MAX = 0xffff_ffff;
const NO_SPEC = -1;

export type ViolationSink = (
  violation: WriteViolation,
  where: { bar?: number; space?: string; offset: number; register?: string; value: number },
) => void;

/** Registers of one memory BAR, addressed by byte offset. */
export class BarFile {
  /** Stored value of each 32-bit word. */
  readonly values: Uint32Array;
  /** Index into `specs` for each word, or -1 where the IR declares nothing. */
  private readonly specIndex: Int32Array;
  readonly specs: WordSpec[] = [];
  /** High words latched by a read of the low word of a split register. */
  private readonly latch: Uint32Array;
  private readonly latched: Uint8Array;

  constructor(
    readonly index: number,
    readonly size: number,
    words: PlacedWord[],
    private readonly report: ViolationSink,
  ) {
    const count = Math.ceil(size / BYTES_PER_WORD);
    this.values = new Uint32Array(count);
    this.specIndex = new Int32Array(count).fill(NO_SPEC);
    this.latch = new Uint32Array(count);
    this.latched = new Uint8Array(count);
    for (const word of words) {
      const w = word.offset / BYTES_PER_WORD;
      if (this.specIndex[w] !== NO_SPEC) continue; // first declaration wins; the spec checker reports overlaps
      this.specIndex[w] = this.specs.length;
      this.specs.push(word.spec);
    }
    this.reset();
  }

  /** The spec of the word at `offset`, or undefined if the IR declares none there. */
  specAt(offset: number): WordSpec | undefined {
    const i = this.specIndex[offset / BYTES_PER_WORD];
    return i === NO_SPEC || i === undefined ? undefined : this.specs[i];
  }

  nameAt(offset: number): string | undefined {
    return this.specAt(offset)?.name;
  }

  declared(offset: number): boolean {
    return this.specIndex[offset / BYTES_PER_WORD] !== NO_SPEC;
  }

  /** Every declared word with its offset, in offset order. */
  declaredOffsets(): number[] {
    const out: number[] = [];
    for (let w = 0; w < this.specIndex.length; w++)
      if (this.specIndex[w] !== NO_SPEC) out.push(w * BYTES_PER_WORD);
    return out;
  }

  /** Software read with the IR's semantics. */
  read(offset: number): number {
    const w = offset / BYTES_PER_WORD;
    const i = this.specIndex[w];
    const stored = this.values[w];
    if (i === NO_SPEC) return stored;
    const spec = this.specs[i];
    if (spec.half === 'lo') {
      // Reading the low half latches the high half, so a low-then-high read is one value.
      this.latch[w + 1] = this.values[w + 1];
      this.latched[w + 1] = 1;
      return readValue(spec, stored);
    }
    if (spec.half === 'hi') {
      const high = this.latched[w] === 1 ? this.latch[w] : stored;
      this.latched[w] = 0;
      if (spec.rc !== 0) {
        // A split clear-on-read counter clears as a whole when its high half is read.
        this.values[w] = afterRead(spec, stored);
        this.values[w - 1] = afterRead(
          this.specs[this.specIndex[w - 1]] ?? spec,
          this.values[w - 1],
        );
      }
      return readValue(spec, high);
    }
    this.values[w] = afterRead(spec, stored);
    return readValue(spec, stored);
  }

  /**
   * Software write with the IR's semantics. Returns the self-clearing bits the write
   * set to 1 (the caller clears them once the device has acted).
   */
  write(offset: number, value: number): number {
    const w = offset / BYTES_PER_WORD;
    const i = this.specIndex[w];
    const x = value >>> 0;
    if (i === NO_SPEC) {
      this.values[w] = x;
      return 0;
    }
    const spec = this.specs[i];
    const stored = this.values[w];
    const violation = writeViolation(spec, stored, x);
    if (violation)
      this.report(violation, { bar: this.index, offset, register: spec.name, value: x });
    this.values[w] = afterWrite(spec, stored, x);
    return (x & spec.sc & ~spec.ro) >>> 0;
  }

  /** The hardware's view: the stored word, no side effects. */
  peek(offset: number): number {
    return this.values[offset / BYTES_PER_WORD];
  }

  /** The hardware sets a word, no side effects. */
  poke(offset: number, value: number): void {
    this.values[offset / BYTES_PER_WORD] = value >>> 0;
  }

  setBits(offset: number, mask: number): void {
    const w = offset / BYTES_PER_WORD;
    this.values[w] = (this.values[w] | mask) >>> 0;
  }

  clearBits(offset: number, mask: number): void {
    const w = offset / BYTES_PER_WORD;
    this.values[w] = (this.values[w] & ~mask) >>> 0;
  }

  /** Add to a 32-bit counter, sticking at 0xFFFF_FFFF rather than wrapping. */
  addSaturating(offset: number, n: number): void {
    const w = offset / BYTES_PER_WORD;
    this.values[w] = Math.min(U32_MAX, this.values[w] + n);
  }

  /** Add to a 64-bit counter kept as low word at `loOffset`, high word 4 bytes above; saturates. */
  addSaturating64(loOffset: number, n: number): void {
    const w = loOffset / BYTES_PER_WORD;
    const total = this.values[w] + this.values[w + 1] * TWO_POW_32 + n;
    if (total >= Number.MAX_SAFE_INTEGER) {
      this.values[w] = U32_MAX;
      this.values[w + 1] = U32_MAX;
      return;
    }
    // Not `total % TWO_POW_32`: on a double that is a floating-point remainder, and this
    // runs for every frame the twin moves.
    const high = Math.floor(total / TWO_POW_32);
    this.values[w] = total - high * TWO_POW_32;
    this.values[w + 1] = high;
  }

  /** Every word back to its IR reset value; undeclared words to 0. */
  reset(): void {
    this.values.fill(0);
    this.latched.fill(0);
    for (let w = 0; w < this.specIndex.length; w++) {
      const i = this.specIndex[w];
      if (i !== NO_SPEC) this.values[w] = this.specs[i].reset;
    }
  }
}

/** Registers of an indirect space (PHY, EEPROM...), addressed by register number. */
export class SpaceFile {
  private readonly values = new Map<number, number>();
  private readonly specs = new Map<number, WordSpec>();

  constructor(
    readonly name: string,
    /** Width in bits of each register; undefined when the IR does not declare the space. */
    readonly width: number | undefined,
    words: PlacedWord[],
    private readonly report: ViolationSink,
  ) {
    for (const word of words)
      if (!this.specs.has(word.offset)) this.specs.set(word.offset, word.spec);
    this.reset();
  }

  specAt(address: number): WordSpec | undefined {
    return this.specs.get(address);
  }

  declaredAddresses(): number[] {
    return [...this.specs.keys()].sort((a, b) => a - b);
  }

  read(address: number): number {
    const stored = this.peek(address);
    const spec = this.specs.get(address);
    if (!spec) return stored;
    this.values.set(address, afterRead(spec, stored));
    return readValue(spec, stored);
  }

  /** Returns the self-clearing bits set by the write. */
  write(address: number, value: number): number {
    const x = value >>> 0;
    const spec = this.specs.get(address);
    if (!spec) {
      this.values.set(address, x);
      return 0;
    }
    const stored = this.peek(address);
    const violation = writeViolation(spec, stored, x);
    if (violation)
      this.report(violation, { space: this.name, offset: address, register: spec.name, value: x });
    this.values.set(address, afterWrite(spec, stored, x));
    return (x & spec.sc & ~spec.ro) >>> 0;
  }

  peek(address: number): number {
    return this.values.get(address) ?? 0;
  }

  poke(address: number, value: number): void {
    this.values.set(address, value >>> 0);
  }

  reset(): void {
    this.values.clear();
    for (const [address, spec] of this.specs) this.values.set(address, spec.reset);
  }
}

/** Every register of a device: its memory BARs and its indirect spaces. */
export class RegisterFile {
  private readonly bars = new Map<number, BarFile>();
  private readonly spaces = new Map<string, SpaceFile>();

  constructor(
    private readonly ir: Device,
    private readonly report: ViolationSink,
  ) {
    for (const bar of ir.bars) {
      if (bar.kind !== 'mmio') continue;
      this.bars.set(
        bar.index,
        new BarFile(bar.index, bar.size, barWords(ir, bar.index, bar.size), report),
      );
    }
    const names = new Set([
      ...ir.spaces.map((s) => s.name),
      ...ir.registers.flatMap((r) => (r.space ? [r.space] : [])),
    ]);
    for (const name of names) this.space(name);
  }

  /** The memory BAR `index`; a typed error if the IR has no such memory BAR. */
  bar(index: number): BarFile {
    const file = this.bars.get(index);
    if (!file) {
      throw new NicdlError(
        'E_SIM_NO_BAR',
        `the device ${this.ir.name} has no memory BAR ${index}`,
        ExitCode.usage,
        {
          bar: index,
        },
      );
    }
    return file;
  }

  hasBar(index: number): boolean {
    return this.bars.has(index);
  }

  barIndexes(): number[] {
    return [...this.bars.keys()].sort((a, b) => a - b);
  }

  /** The indirect space `name`; one the IR does not declare is created as plain storage. */
  space(name: string): SpaceFile {
    let file = this.spaces.get(name);
    if (!file) {
      const width = this.ir.spaces.find((s) => s.name === name)?.width;
      file = new SpaceFile(name, width, spaceWords(this.ir, name), this.report);
      this.spaces.set(name, file);
    }
    return file;
  }

  spaceNames(): string[] {
    return [...this.spaces.keys()];
  }

  /** Every register back to its IR reset value. */
  reset(): void {
    for (const file of this.bars.values()) file.reset();
    for (const file of this.spaces.values()) file.reset();
  }
}
