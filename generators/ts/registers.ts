/**
 * registers.ts: for every BAR register, its field codec, a field writer and an accessor
 * class whose methods are exactly what its access allows (svd2rust / tock style, in
 * TypeScript types):
 *   ro  read, get<F>                 rc  readAndClear (destructive; no modify)
 *   wo  write, writeFields           w1c read, clear(mask), clearFields, get<F>
 *   rw  read, write, writeFields,    w1s read, set(mask), setFields, get<F>
 *       modify, reset, get<F>, set<F>
 * `writeFields` starts from the reset value; `modify` starts from what it read minus
 * the bits that must not be written back (w1c, self-clearing, write-only). Offsets and
 * masks are literals in the output; an accessor holds only the Mmio, and a write builds
 * its value in one reusable writer, so no access allocates.
 */
import type { Device, Field, Register } from '../../spec/ir.js';
import { hex, hex32, offsetDigits, oneLine, pascal, str } from '../emit.js';
import {
  barSize,
  canRead,
  canWrite,
  fieldAccess,
  fieldMask,
  fieldsByLsb,
  modifyKeepMask,
  barRegisters,
  TWO_POW_32,
} from '../layout.js';
import { NicdlError } from '../../spec/errors.js';
import { fieldInputType, fieldOutputType, getField, setBits } from './bits.js';
import {
  CODEC_KEYS,
  emitCodec,
  emitEnums,
  fieldSummary,
  hasFieldCode,
  rangeGuard,
  registerTitle,
} from './codecs.js';
import { TsModule, type TsOptions } from './module.js';

export const REGISTERS_FILE = 'registers.ts';

/**
 * How generated classes declare a field their constructor sets. A plain class field
 * (ES2022 define semantics) would first be defined as undefined and then overwritten,
 * and V8 stops treating an overwritten field as constant; `declare` emits no field, so
 * the constructor's store is the field's only value and accessor loads stay cheap.
 */
export const CONSTRUCTOR_FIELD = 'declare';

/** Methods of accessor classes; a field named so that get/set + name hits one is refused. */
const ACCESSOR_MEMBERS = [
  'read',
  'readBig',
  'readAndClear',
  'readAndClearBig',
  'write',
  'writeBig',
  'writeFields',
  'modify',
  'reset',
  'clear',
  'clearFields',
  'set',
  'setFields',
  'offsetOf',
  'count',
];
/** The writer's own member. */
const WRITER_MEMBERS = ['value'];

export function accessorClass(reg: Register): string {
  return `${pascal(reg.name)}Register`;
}

export function writerClass(reg: Register): string {
  return `${pascal(reg.name)}Writer`;
}

/** Offset literal of `reg` padded for its BAR. */
export function offsetLiteral(ir: Device, reg: Register, offset = reg.offset): string {
  return hex(offset, reg.space !== undefined ? 2 : offsetDigits(barSize(ir, reg.bar)), false);
}

/** Fields a writer can set: writable by their own access, in a writable register. */
function writerFields(reg: Register): Field[] {
  if (!canWrite(reg.access) || !hasFieldCode(reg)) return [];
  return fieldsByLsb(reg).filter((f) => canWrite(fieldAccess(reg, f)));
}

/** Fields whose value a plain read returns (not on destructive-read registers). */
function readableFields(reg: Register): Field[] {
  if (!canRead(reg.access) || reg.access === 'rc' || !hasFieldCode(reg)) return [];
  return fieldsByLsb(reg).filter((f) => canRead(fieldAccess(reg, f)));
}

function checkNames(reg: Register): void {
  for (const f of reg.fields) {
    const clash =
      CODEC_KEYS.includes(f.name) ||
      WRITER_MEMBERS.includes(f.name) ||
      ACCESSOR_MEMBERS.includes(`get${f.name}`) ||
      ACCESSOR_MEMBERS.includes(`set${f.name}`) ||
      ACCESSOR_MEMBERS.includes(`clear${f.name}`);
    if (clash) {
      throw new NicdlError(
        'E_GEN_NAME_CLASH',
        `register ${reg.name}: field name ${f.name} clashes with a generated member; rename the field`,
      );
    }
  }
}

function checkSupported(reg: Register): void {
  const why =
    reg.width === 8 || reg.width === 16
      ? `${reg.width}-bit BAR registers are not supported (Mmio offers 32-bit accesses only)`
      : reg.offset % 4 !== 0 || (reg.array !== undefined && reg.array.stride % 4 !== 0)
        ? 'offset or stride is not 4-byte aligned'
        : reg.width === 64 && !reg.split
          ? '64-bit registers must be split (two 32-bit halves)'
          : reg.width === 64 && (reg.access === 'w1c' || reg.access === 'w1s')
            ? '64-bit w1c/w1s registers are not supported'
            : undefined;
  if (why) throw new NicdlError('E_GEN_UNSUPPORTED', `register ${reg.name}: ${why}`);
}

/** Generates registers.ts; returns the module and the names it exports. */
export function generateRegisters(
  ir: Device,
  options: TsOptions,
): { module: TsModule; exports: string[] } {
  const m = new TsModule(
    REGISTERS_FILE,
    ir,
    options,
    'BAR registers: field codecs, writers and typed accessors.',
  );
  const regs = barRegisters(ir);
  const exports: string[] = [];
  for (const reg of regs) {
    checkSupported(reg);
    checkNames(reg);
    exports.push(...emitEnums(m, reg));
    exports.push(emitCodec(m, reg, offsetLiteral(ir, reg)));
    if (writerFields(reg).length > 0) exports.push(emitWriter(m, reg));
    exports.push(emitAccessor(m, ir, reg));
  }
  exports.push(...emitRegisterSet(m, ir, regs));
  return { module: m, exports };
}

function emitWriter(m: TsModule, reg: Register): string {
  const w = m.body;
  const name = writerClass(reg);
  w.gap();
  w.doc(
    `Builds a ${reg.name} value field by field; each method returns the writer, so calls chain.`,
  );
  w.block(`export class ${name} {`, () => {
    w.doc('The 32-bit value built so far (signed while building; written as unsigned).');
    w.line('value = 0;');
    for (const f of writerFields(reg)) {
      w.line();
      const access = fieldAccess(reg, f);
      const note =
        access === 'w1c'
          ? ' Writing 1 clears the bit; 0 leaves it.'
          : access === 'w1s'
            ? ' Writing 1 sets the bit; 0 leaves it.'
            : '';
      w.doc(fieldSummary(reg, f) + (note ? `.${note}` : ''));
      w.block(`${f.name}(x: ${fieldInputType(reg.name, f)}): this {`, () => {
        const guard = rangeGuard(m, reg, f, 'x');
        if (guard) w.line(guard);
        w.line(`this.value = ${setBits('this.value', f, 'x')};`);
        w.line('return this;');
      });
    }
  });
  return name;
}

/** The pieces every accessor method needs: how to name the offset and the index param. */
interface Site {
  reg: Register;
  /** Parameter list prefix: `index: number, ` for arrays. */
  param: string;
  /** First line of a method body (offset check for arrays), or none. */
  prologue: string | undefined;
  /** The offset expression inside a method body. */
  off: string;
  /** Offset of the high word of a split register. */
  offHi: string;
}

function site(ir: Device, reg: Register): Site {
  if (reg.array) {
    return {
      reg,
      param: 'index: number',
      prologue: 'const o = this.offsetOf(index);',
      off: 'o',
      offHi: 'o + 4',
    };
  }
  return {
    reg,
    param: '',
    prologue: undefined,
    off: offsetLiteral(ir, reg),
    offHi: offsetLiteral(ir, reg, reg.offset + 4),
  };
}

function params(s: Site, ...more: string[]): string {
  return [s.param, ...more].filter((p) => p !== '').join(', ');
}

/** Emits one method: signature, optional offset prologue, body lines. */
function method(
  m: TsModule,
  s: Site,
  doc: string | undefined,
  signature: string,
  body: string[],
): void {
  const w = m.body;
  w.line();
  w.doc(doc);
  w.block(`${signature} {`, () => {
    if (s.prologue && body.some((l) => /\bo\b/.test(l))) w.line(s.prologue);
    for (const l of body) w.line(l);
  });
}

function emitAccessor(m: TsModule, ir: Device, reg: Register): string {
  const w = m.body;
  const name = accessorClass(reg);
  const mmio = m.runtimeType('Mmio');
  const s = site(ir, reg);
  w.gap();
  w.doc(`${registerTitle(reg)}.`, accessorDoc(reg));
  w.block(`export class ${name} {`, () => {
    if (reg.array) w.line(`readonly count = ${reg.array.count};`);
    if (writerFields(reg).length > 0) w.line(`private readonly w = new ${writerClass(reg)}();`);
    w.line(`${CONSTRUCTOR_FIELD} private readonly mmio: ${mmio};`);
    w.line();
    w.block(`constructor(mmio: ${mmio}) {`, () => w.line('this.mmio = mmio;'));
    if (reg.array) emitOffsetOf(m, ir, reg);
    if (reg.width === 64) emitSplitMethods(m, s);
    else emitWordMethods(m, s);
    for (const f of readableFields(reg)) emitFieldGetter(m, s, f);
    if (reg.access === 'rw') for (const f of writerFields(reg)) emitFieldSetter(m, s, f);
  });
  return name;
}

function accessorDoc(reg: Register): string {
  switch (reg.access) {
    case 'ro':
      return 'Read only: there is no write.';
    case 'wo':
      return 'Write only: there is no read (the device returns an undefined value).';
    case 'rc':
      return 'Clear on read: the only read is `readAndClear()`, which clears what it returns. No modify: a read-modify-write would lose events.';
    case 'w1c':
      return 'Write 1 to clear: `clear(mask)` clears the bits set in mask and leaves the others.';
    case 'w1s':
      return 'Write 1 to set: `set(mask)` sets the bits set in mask and leaves the others.';
    case 'rw':
      return 'Read/write. `writeFields` starts from the reset value; `modify` starts from the current value.';
  }
}

function emitOffsetOf(m: TsModule, ir: Device, reg: Register): void {
  const count = reg.array!.count;
  const w = m.body;
  const indexError = m.runtimeValue('registerIndexError');
  w.line();
  w.doc(`Byte offset of element \`index\`; throws E_REGISTER_INDEX outside 0..${count - 1}.`);
  w.block('offsetOf(index: number): number {', () => {
    // Inline: an integer in range. Only the cold throw calls into the runtime.
    w.line(
      `if (!(index >= 0 && index < ${count} && (index | 0) === index)) throw ${indexError}(${str(reg.name)}, index, ${count});`,
    );
    w.line(`return ${offsetLiteral(ir, reg)} + index * ${reg.array!.stride};`);
  });
}

function emitWordMethods(m: TsModule, s: Site): void {
  const { reg } = s;
  const read = `this.mmio.read32(${s.off})`;
  const writer = writerFields(reg).length > 0 ? writerClass(reg) : undefined;
  const build = (start: string, verb: string, doc: string) => {
    if (!writer) return;
    method(m, s, doc, `${verb}(${params(s, `build: (w: ${writer}) => unknown`)}): void`, [
      'const w = this.w;',
      `w.value = ${start};`,
      'build(w);',
      `this.mmio.write32(${s.off}, w.value >>> 0);`,
    ]);
  };
  switch (reg.access) {
    case 'rc':
      method(
        m,
        s,
        'Reads the register, which clears it (destructive): keep and decode the value returned.',
        `readAndClear(${params(s)}): number`,
        [`return ${read};`],
      );
      return;
    case 'ro':
      method(m, s, undefined, `read(${params(s)}): number`, [`return ${read};`]);
      return;
    case 'wo':
      method(m, s, 'Writes the whole register.', `write(${params(s, 'value: number')}): void`, [
        `this.mmio.write32(${s.off}, value >>> 0);`,
      ]);
      build(
        hex32(reg.reset),
        'writeFields',
        'Writes the reset value with the fields `build` sets.',
      );
      return;
    case 'w1c':
      method(m, s, undefined, `read(${params(s)}): number`, [`return ${read};`]);
      method(
        m,
        s,
        'Clears the bits set in `mask` (write 1 to clear); the others are left as they are.',
        `clear(${params(s, 'mask: number')}): void`,
        [`this.mmio.write32(${s.off}, mask >>> 0);`],
      );
      build(
        '0',
        'clearFields',
        'Clears the fields `build` sets to 1; the others are left as they are.',
      );
      return;
    case 'w1s':
      method(m, s, undefined, `read(${params(s)}): number`, [`return ${read};`]);
      method(
        m,
        s,
        'Sets the bits set in `mask` (write 1 to set); the others are left as they are.',
        `set(${params(s, 'mask: number')}): void`,
        [`this.mmio.write32(${s.off}, mask >>> 0);`],
      );
      build(
        '0',
        'setFields',
        'Sets the fields `build` sets to 1; the others are left as they are.',
      );
      return;
    case 'rw': {
      method(m, s, undefined, `read(${params(s)}): number`, [`return ${read};`]);
      method(m, s, 'Writes the whole register.', `write(${params(s, 'value: number')}): void`, [
        `this.mmio.write32(${s.off}, value >>> 0);`,
      ]);
      build(
        hex32(reg.reset),
        'writeFields',
        'Writes the reset value with the fields `build` sets.',
      );
      const keep = modifyKeepMask(reg);
      const start = keep === 0xffff_ffff ? read : `${read} & ${hex32(keep)}`;
      if (writer) {
        method(
          m,
          s,
          modifyDoc(reg),
          `modify(${params(s, `change: (w: ${writer}) => unknown`)}): void`,
          [
            'const w = this.w;',
            `w.value = ${start};`,
            'change(w);',
            `this.mmio.write32(${s.off}, w.value >>> 0);`,
          ],
        );
      } else if (!hasFieldCode(reg)) {
        method(
          m,
          s,
          'Read-modify-write: writes `change(current value)`.',
          `modify(${params(s, 'change: (value: number) => number')}): void`,
          [`this.mmio.write32(${s.off}, change(${read}) >>> 0);`],
        );
      }
      method(m, s, `Writes the reset value, ${hex32(reg.reset)}.`, `reset(${params(s)}): void`, [
        `this.mmio.write32(${s.off}, ${hex32(reg.reset)});`,
      ]);
      return;
    }
  }
}

function modifyDoc(reg: Register): string {
  const dropped = reg.fields.filter((f) => {
    const a = fieldAccess(reg, f);
    return a === 'w1c' || a === 'wo' || f.selfClearing;
  });
  const base =
    'Read-modify-write: reads the register, lets `change` set fields, writes the result.';
  if (dropped.length === 0) return base;
  return `${base} Written as 0 whatever was read (writing back what was read would act): ${dropped.map((f) => `${f.name} (${f.selfClearing ? 'self-clearing' : fieldAccess(reg, f)})`).join(', ')}.`;
}

function emitSplitMethods(m: TsModule, s: Site): void {
  const { reg } = s;
  const lowFirst = '// Low word first: the device latches the high word when the low word is read.';
  const readNumber = [
    lowFirst,
    `const lo = this.mmio.read32(${s.off});`,
    `const hi = this.mmio.read32(${s.offHi});`,
    `return hi * ${hex(TWO_POW_32, 9)} + lo;`,
  ];
  const readBig = [
    lowFirst,
    `const lo = this.mmio.read32(${s.off});`,
    `const hi = this.mmio.read32(${s.offHi});`,
    'return (BigInt(hi) << 32n) | BigInt(lo);',
  ];
  const exact = 'Exact below 2^53; use the bigint form beyond.';
  if (reg.access === 'rc') {
    method(
      m,
      s,
      `Reads both halves, which clears them (destructive). ${exact}`,
      `readAndClear(${params(s)}): number`,
      readNumber,
    );
    method(
      m,
      s,
      'Reads both halves as a bigint, which clears them (destructive).',
      `readAndClearBig(${params(s)}): bigint`,
      readBig,
    );
    return;
  }
  if (canRead(reg.access)) {
    method(m, s, `Reads both halves. ${exact}`, `read(${params(s)}): number`, readNumber);
    method(m, s, 'Reads both halves as a bigint.', `readBig(${params(s)}): bigint`, readBig);
  }
  if (canWrite(reg.access)) {
    method(
      m,
      s,
      'Writes both halves, low word first. `value` must be an integer below 2^53.',
      `write(${params(s, 'value: number')}): void`,
      [
        `this.mmio.write32(${s.off}, value >>> 0);`,
        `this.mmio.write32(${s.offHi}, Math.floor(value / ${hex(TWO_POW_32, 9)}) >>> 0);`,
      ],
    );
    method(
      m,
      s,
      'Writes both halves of a bigint, low word first.',
      `writeBig(${params(s, 'value: bigint')}): void`,
      [
        `this.mmio.write32(${s.off}, Number(value & 0xFFFF_FFFFn));`,
        `this.mmio.write32(${s.offHi}, Number((value >> 32n) & 0xFFFF_FFFFn));`,
      ],
    );
  }
}

function emitFieldGetter(m: TsModule, s: Site, f: Field): void {
  const { reg } = s;
  const doc = `Reads the register and returns ${f.name}: ${oneLine(fieldSummary(reg, f))}.`;
  method(m, s, doc, `get${f.name}(${params(s)}): ${fieldOutputType(reg.name, f)}`, [
    `const v = this.mmio.read32(${s.off});`,
    `return ${getField('v', reg.name, f)};`,
  ]);
}

/** rw registers: one-field read-modify-write, with the same write-back masking as modify. */
function emitFieldSetter(m: TsModule, s: Site, f: Field): void {
  const { reg } = s;
  const keep = modifyKeepMask(reg);
  const read = `this.mmio.read32(${s.off})`;
  const start = keep === 0xffff_ffff ? read : `${read} & ${hex32(keep)}`;
  const access = fieldAccess(reg, f);
  if (access === 'w1c' || access === 'w1s') {
    const verb = access === 'w1c' ? 'clear' : 'set';
    method(
      m,
      s,
      `${verb === 'clear' ? 'Clears' : 'Sets'} ${f.name} (writes 1 to it) and leaves the other fields.`,
      `${verb}${f.name}(${params(s)}): void`,
      [
        `this.mmio.write32(${s.off}, (${keep === 0xffff_ffff ? start : `(${start})`} | ${hex32(fieldMask(f))}) >>> 0);`,
      ],
    );
    return;
  }
  const guard = rangeGuard(m, reg, f, 'x');
  method(
    m,
    s,
    `Read-modify-write of ${f.name} alone.`,
    `set${f.name}(${params(s, `x: ${fieldInputType(reg.name, f)}`)}): void`,
    [
      ...(guard ? [guard] : []),
      `const v = ${start};`,
      `this.mmio.write32(${s.off}, (${setBits('v', f, 'x')}) >>> 0);`,
    ],
  );
}

/** The `Registers` class holding one accessor per register, and `registers(bar0, ...)`. */
function emitRegisterSet(m: TsModule, ir: Device, regs: Register[]): string[] {
  const w = m.body;
  const mmio = m.runtimeType('Mmio');
  const bars = [...new Set(regs.map((r) => r.bar))].sort((a, b) => a - b);
  if (bars.length === 0) bars.push(0);
  const barParams = bars.map((b) => `bar${b}: ${mmio}`).join(', ');
  w.gap();
  w.doc(
    `Every BAR register of ${ir.name}, each bound to its BAR's Mmio. Create once per device; accessors allocate nothing.`,
  );
  w.block('export class Registers {', () => {
    for (const b of bars) w.line(`${CONSTRUCTOR_FIELD} readonly bar${b}: ${mmio};`);
    for (const r of regs) {
      w.doc(oneLine(r.doc) || undefined);
      w.line(`${CONSTRUCTOR_FIELD} readonly ${r.name}: ${accessorClass(r)};`);
    }
    w.line();
    w.block(`constructor(${bars.map((b) => `bar${b}: ${mmio}`).join(', ')}) {`, () => {
      for (const b of bars) w.line(`this.bar${b} = bar${b};`);
      for (const r of regs) w.line(`this.${r.name} = new ${accessorClass(r)}(bar${r.bar});`);
    });
  });
  w.line();
  w.doc(
    `Typed accessors for ${ir.name}'s registers over ${bars.map((b) => `BAR ${b}`).join(', ')}.`,
  );
  w.block(`export function registers(${barParams}): Registers {`, () => {
    w.line(`return new Registers(${bars.map((b) => `bar${b}`).join(', ')});`);
  });
  return ['Registers', 'registers'];
}
