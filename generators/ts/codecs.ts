/**
 * Field codecs: for every register (BAR or indirect space) a const object of plain
 * functions over a plain number, and a literal-union const for every enum field.
 * `CTRL.SPEED.get(v)`, `CTRL.SLU.set(v, 1)`, `PHY_CTRL.LOOPBACK.mask`. No allocation, no
 * classes: a register value stays a number everywhere.
 */
import type { Field, Register } from '../../spec/ir.js';
import { hex, hex32, oneLine, sectionRef, str, titled } from '../emit.js';
import {
  accessMeaning,
  enumIsTotal,
  fieldAccess,
  fieldMask,
  fieldMax,
  fieldsByLsb,
  fieldWidth,
  readClears,
} from '../layout.js';
import { enumTypeName, fieldInputType, fieldOutputType, getField, setBits } from './bits.js';
import type { TsModule } from './module.js';

/** Keys every codec object has; a field with one of these names would shadow it. */
export const CODEC_KEYS = ['name', 'offset', 'reset', 'count', 'stride', 'space', 'bar'];

/** `[9:8]` or `[6]`. */
export function bitRange(f: Pick<Field, 'lsb' | 'msb'>): string {
  return f.lsb === f.msb ? `[${f.lsb}]` : `[${f.msb}:${f.lsb}]`;
}

/** One line describing a field for JSDoc: `[9:8] SPEED (rw) — speed selection`. */
export function fieldSummary(reg: Pick<Register, 'access'>, f: Field): string {
  const access = fieldAccess(reg, f);
  const traits = [access, ...(f.selfClearing ? ['self-clearing'] : [])].join(', ');
  const doc = oneLine(f.doc);
  const ref = sectionRef(f.ref);
  return `${bitRange(f)} ${f.name} (${traits})${doc ? ` — ${doc}` : ''}${ref ? ` (${ref})` : ''}`;
}

/** Whether a register gets per-field code in TypeScript (64-bit registers do not). */
export function hasFieldCode(reg: Register): boolean {
  return reg.width <= 32 && reg.fields.length > 0;
}

/** Emits the enum consts of `reg`'s fields. Returns the exported names. */
export function emitEnums(m: TsModule, reg: Register): string[] {
  const names: string[] = [];
  if (!hasFieldCode(reg)) return names;
  for (const f of fieldsByLsb(reg)) {
    if (!f.enum) continue;
    const name = enumTypeName(reg.name, f);
    const w = m.body;
    w.gap();
    const total = enumIsTotal(f)
      ? ''
      : ' Not every bit pattern has a name: reads may return others.';
    w.doc(`${reg.name}.${f.name} values${oneLine(f.doc) ? `: ${oneLine(f.doc)}` : ''}.${total}`);
    w.block(
      `export const ${name} = {`,
      () => {
        for (const e of [...f.enum!].sort((a, b) => a.value - b.value)) {
          w.doc(oneLine(e.doc) || undefined);
          w.line(`${e.name}: ${e.value},`);
        }
      },
      '} as const;',
    );
    w.line(`export type ${name} = (typeof ${name})[keyof typeof ${name}];`);
    names.push(name);
  }
  return names;
}

/** The register's heading for JSDoc: name, doc, datasheet section. */
export function registerTitle(reg: Register): string {
  return titled(reg.name, reg.doc, reg.ref);
}

/** Where and what the register is, in one line for JSDoc. */
export function registerFacts(reg: Register, offsetText: string): string {
  const where =
    reg.space !== undefined
      ? `${reg.space} register ${reg.offset}`
      : `BAR ${reg.bar} + ${offsetText}`;
  const array = reg.array ? `, ${reg.array.count} elements ${reg.array.stride} bytes apart` : '';
  const split = reg.split ? ' (low word first, high word at +4)' : '';
  const reset = reg.width <= 32 ? `, reset ${hex32(reg.reset)}` : '';
  return `${where}${array}, ${reg.width}-bit${split}, ${reg.access}: ${accessMeaning(reg.access)}${reset}.`;
}

/** Emits the codec const of `reg` (named as the register). Returns its name. */
export function emitCodec(m: TsModule, reg: Register, offsetText: string): string {
  const w = m.body;
  w.gap();
  const warn = readClears(reg.access)
    ? 'Reading this register clears it: decode the value you read, never read again to decode.'
    : undefined;
  w.doc(registerTitle(reg), registerFacts(reg, offsetText), warn);
  w.block(
    `export const ${reg.name} = {`,
    () => {
      w.line(`name: ${str(reg.name)},`);
      if (reg.space !== undefined) w.line(`space: ${str(reg.space)},`);
      else w.line(`bar: ${reg.bar},`);
      w.line(`offset: ${offsetText},`);
      if (reg.array) {
        w.line(`count: ${reg.array.count},`);
        w.line(`stride: ${reg.array.stride},`);
      }
      if (reg.width <= 32) w.line(`reset: ${hex(reg.reset, reg.width / 4)},`);
      if (!hasFieldCode(reg)) return;
      for (const f of fieldsByLsb(reg)) emitFieldCodec(m, reg, f);
    },
    '} as const;',
  );
  return reg.name;
}

function emitFieldCodec(m: TsModule, reg: Register, f: Field): void {
  const w = m.body;
  w.doc(fieldSummary(reg, f));
  w.block(
    `${f.name}: {`,
    () => {
      w.line(`lsb: ${f.lsb},`);
      w.line(`msb: ${f.msb},`);
      w.line(`mask: ${hex32(fieldMask(f))},`);
      if (f.enum) w.line(`values: ${enumTypeName(reg.name, f)},`);
      w.line(`get: (v: number): ${fieldOutputType(reg.name, f)} => ${getField('v', reg.name, f)},`);
      // Every field gets `set`, read-only ones too: composing an expected value is pure.
      const guard = rangeGuard(m, reg, f, 'x');
      const set = `(${setBits('v', f, 'x')}) >>> 0`;
      if (!guard) {
        w.line(`set: (v: number, x: ${fieldInputType(reg.name, f)}): number => ${set},`);
        return;
      }
      w.block(
        `set(v: number, x: ${fieldInputType(reg.name, f)}): number {`,
        () => {
          w.line(guard);
          w.line(`return ${set};`);
        },
        '},',
      );
    },
    '},',
  );
}

/**
 * The statement that range-checks a value `x` about to be placed in a multi-bit numeric
 * field (E_FIELD_RANGE rather than silent truncation), or undefined when the type already
 * makes it safe (enum and one-bit fields). The check is inline — one compare on the hot
 * path — and only the cold throw calls into the runtime.
 */
export function rangeGuard(
  m: TsModule,
  reg: Pick<Register, 'name'>,
  f: Field,
  x: string,
): string | undefined {
  if (f.enum || fieldWidth(f) === 1) return undefined;
  const max = fieldMax(f) > 0xffff ? hex32(fieldMax(f)) : String(fieldMax(f));
  const error = m.runtimeValue('fieldRangeError');
  // `x >>> 0 !== x` is true for negatives, fractions, NaN and values of 2^32 and more.
  return `if (${x} >>> 0 !== ${x} || ${x} > ${max}) throw ${error}(${x}, ${max}, ${str(`${reg.name}.${f.name}`)});`;
}
