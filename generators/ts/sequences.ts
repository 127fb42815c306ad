/**
 * sequences.ts: every `sequence` as an async function over (Mmio, Clock[, params]).
 * Steps become straight-line MMIO accesses with literal offsets and folded constants,
 * each preceded by a comment quoting the step and its spec location. A `wait` polls
 * through the runtime's pollRegister, which throws SequenceTimeoutError naming the
 * sequence, the step and its location. Parameters are checked to fit the field or
 * register they go to, never silently truncated.
 */
import type { Device, Field, Register, Sequence, Step, Value } from '../../spec/ir.js';
import { NicdlError } from '../../spec/errors.js';
import { hex, hex32, pascal, safeIdent, str, titled, where } from '../emit.js';
import {
  canRead,
  canWrite,
  elementOffset,
  fieldMask,
  fieldMax,
  modifyKeepMask,
  registerNamed,
  TWO_POW_32,
} from '../layout.js';
import { placeConst } from './bits.js';
import { describeStep } from '../steps.js';
import { offsetLiteral } from './registers.js';
import { TsModule, type TsOptions } from './module.js';

export const SEQUENCES_FILE = 'sequences.ts';

export function sequenceFunction(seq: Sequence): string {
  return safeIdent(seq.name);
}

export function paramsType(seq: Sequence): string {
  return `${pascal(seq.name)}Params`;
}

export function generateSequences(
  ir: Device,
  options: TsOptions,
): { module: TsModule; exports: string[] } {
  const m = new TsModule(
    SEQUENCES_FILE,
    ir,
    options,
    'Register sequences as async functions over (Mmio, Clock).',
  );
  const exports: string[] = [];
  for (const seq of ir.sequences) exports.push(...emitSequence(m, ir, seq));
  if (ir.sequences.length > 0) {
    m.body.gap();
    m.body.doc('Every sequence by its spec name.');
    m.body.block(
      'export const sequences = {',
      () => {
        for (const s of ir.sequences)
          m.body.line(
            s.name === sequenceFunction(s) ? `${s.name},` : `${s.name}: ${sequenceFunction(s)},`,
          );
      },
      '} as const;',
    );
    exports.push('sequences');
  }
  return { module: m, exports };
}

/** What one step's code generation needs to know. */
interface StepContext {
  m: TsModule;
  ir: Device;
  seq: Sequence;
  /** 1-based step number. */
  n: number;
}

function fail(ctx: StepContext, step: Step, message: string): never {
  const at = where(step.loc);
  throw new NicdlError(
    'E_GEN_SEQUENCE',
    `sequence ${ctx.seq.name} step ${ctx.n}${at ? ` (${at})` : ''}: ${message}`,
  );
}

function emitSequence(m: TsModule, ir: Device, seq: Sequence): string[] {
  const w = m.body;
  const mmio = m.runtimeType('Mmio');
  const clock = m.runtimeType('Clock');
  const exports: string[] = [];
  w.gap();
  if (seq.params.length > 0) {
    w.doc(`Parameters of ${seq.name}.`);
    w.block(`export interface ${paramsType(seq)} {`, () => {
      for (const p of seq.params) w.line(`${p}: number;`);
    });
    exports.push(paramsType(seq));
    w.line();
  }
  const loc = where(seq.loc);
  w.doc(titled(seq.name, seq.doc, seq.ref), loc ? `Spec: ${loc}` : undefined);
  const sig =
    seq.params.length > 0
      ? `mmio: ${mmio}, clock: ${clock}, params: ${paramsType(seq)}`
      : `mmio: ${mmio}, clock: ${clock}`;
  const usesClock = seq.steps.some((s) => s.op === 'wait' || s.op === 'delay' || s.op === 'call');
  w.block(
    `export async function ${sequenceFunction(seq)}(${usesClock ? sig : sig.replace('clock:', '_clock:')}): Promise<void> {`,
    () => {
      seq.steps.forEach((step, i) => emitStep({ m, ir, seq, n: i + 1 }, step));
    },
  );
  exports.push(sequenceFunction(seq));
  return exports;
}

function emitStep(ctx: StepContext, step: Step): void {
  const w = ctx.m.body;
  const at = where(step.loc);
  w.line(`// ${ctx.n}. ${describeStep(step)}${at ? ` (${at})` : ''}`);
  switch (step.op) {
    case 'write':
      return emitWrite(ctx, step);
    case 'modify':
      return emitModify(ctx, step);
    case 'read': {
      const { reg, off } = target(ctx, step);
      if (!canRead(reg.access)) fail(ctx, step, `reads ${reg.name}, which is write-only`);
      w.line(`mmio.read32(${off});${reg.access === 'rc' ? ' // clears it' : ''}`);
      return;
    }
    case 'wait':
      return emitWait(ctx, step);
    case 'delay':
      w.line(`await clock.sleepUs(${step.us});`);
      return;
    case 'call': {
      const callee = ctx.ir.sequences.find((s) => s.name === step.sequence);
      if (!callee) fail(ctx, step, `calls ${step.sequence}, which the spec does not declare`);
      const missing = callee.params.filter((p) => !ctx.seq.params.includes(p));
      if (missing.length > 0)
        fail(
          ctx,
          step,
          `calls ${callee.name}, whose parameters ${missing.join(', ')} this sequence does not have`,
        );
      w.line(
        `await ${sequenceFunction(callee)}(mmio, clock${callee.params.length > 0 ? ', params' : ''});`,
      );
      return;
    }
  }
}

/** The register a step names and the offset literal of the element it means. */
function target(
  ctx: StepContext,
  step: Step & { register: string; index?: number },
): { reg: Register; off: string; offHi: string } {
  const reg = registerNamed(ctx.ir, step.register, `sequence ${ctx.seq.name} step ${ctx.n}`);
  if (reg.space !== undefined)
    fail(ctx, step, `${reg.name} lives in space ${reg.space}, which one MMIO access cannot reach`);
  if (step.index !== undefined && (!reg.array || step.index >= reg.array.count)) {
    fail(
      ctx,
      step,
      `${reg.name}[${step.index}] is not an element of ${reg.name}${reg.array ? `[${reg.array.count}]` : ' (not an array)'}`,
    );
  }
  if (step.index === undefined && reg.array)
    fail(ctx, step, `${reg.name} is an array: name an element`);
  const offset = elementOffset(reg, step.index ?? 0);
  return {
    reg,
    off: offsetLiteral(ctx.ir, reg, offset),
    offHi: offsetLiteral(ctx.ir, reg, offset + 4),
  };
}

function fieldNamed(ctx: StepContext, step: Step, reg: Register, name: string): Field {
  const f = reg.fields.find((x) => x.name === name);
  if (!f) fail(ctx, step, `${reg.name} has no field ${name}`);
  return f;
}

/** A parameter reference, checked to fit `max` at run time. */
function paramValue(ctx: StepContext, name: string, max: number, what: string): string {
  if (!ctx.seq.params.includes(name))
    throw new NicdlError(
      'E_GEN_SEQUENCE',
      `sequence ${ctx.seq.name} step ${ctx.n}: unknown parameter ${name}`,
    );
  const fieldValue = ctx.m.runtimeValue('fieldValue');
  return `${fieldValue}(params.${name}, ${max > 0xffff ? hex32(max) : max}, ${str(`${ctx.seq.name}.${name} -> ${what}`)})`;
}

/** Constant bits and run-time terms of a set of field assignments. */
function placeFields(
  ctx: StepContext,
  step: Step,
  reg: Register,
  fields: Array<{ field: string; value: Value }>,
) {
  let constBits = 0;
  let mask = 0;
  const terms: string[] = [];
  for (const a of fields) {
    const f = fieldNamed(ctx, step, reg, a.field);
    mask = (mask | fieldMask(f)) >>> 0;
    if (a.value.kind === 'const') {
      if (a.value.value < 0 || a.value.value > fieldMax(f))
        fail(
          ctx,
          step,
          `${reg.name}.${f.name} = ${a.value.value} does not fit the field (0..${fieldMax(f)})`,
        );
      constBits = (constBits | placeConst(f, a.value.value)) >>> 0;
    } else {
      const v = paramValue(ctx, a.value.name, fieldMax(f), `${reg.name}.${f.name}`);
      terms.push(f.lsb === 0 ? v : `(${v} << ${f.lsb})`);
    }
  }
  return { constBits, mask, terms };
}

function emitWrite(ctx: StepContext, step: Extract<Step, { op: 'write' }>): void {
  const w = ctx.m.body;
  const { reg, off, offHi } = target(ctx, step);
  if (!canWrite(reg.access)) fail(ctx, step, `writes ${reg.name}, which is ${reg.access}`);
  if (reg.width === 64) {
    if (step.fields.length > 0)
      fail(ctx, step, 'field writes to a 64-bit register are not supported');
    if (step.value.kind === 'const') {
      const v = step.value.value;
      w.line(`mmio.write32(${off}, ${hex32(v % TWO_POW_32)});`);
      w.line(`mmio.write32(${offHi}, ${hex32(Math.floor(v / TWO_POW_32))});`);
    } else {
      const p = paramValue(ctx, step.value.name, Number.MAX_SAFE_INTEGER, reg.name);
      w.block('{', () => {
        w.line(`const v = ${p};`);
        w.line(`mmio.write32(${off}, v >>> 0);`);
        w.line(`mmio.write32(${offHi}, Math.floor(v / ${hex(TWO_POW_32, 9)}));`);
      });
    }
    return;
  }
  const { constBits, terms } = placeFields(ctx, step, reg, step.fields);
  if (
    step.value.kind === 'const' &&
    (step.value.value > 0xffff_ffff || step.value.value < -(2 ** 31))
  ) {
    fail(ctx, step, `writes ${step.value.value}, which does not fit 32 bits`);
  }
  if (step.value.kind === 'const') {
    const base = ((step.value.value >>> 0) | constBits) >>> 0;
    w.line(
      `mmio.write32(${off}, ${terms.length === 0 ? hex32(base) : `(${[hex32(base), ...terms].join(' | ')}) >>> 0`});`,
    );
  } else {
    const p = paramValue(ctx, step.value.name, 0xffff_ffff, reg.name);
    const parts = [p, ...(constBits !== 0 ? [hex32(constBits)] : []), ...terms];
    w.line(`mmio.write32(${off}, ${parts.length === 1 ? p : `(${parts.join(' | ')}) >>> 0`});`);
  }
}

function emitModify(ctx: StepContext, step: Extract<Step, { op: 'modify' }>): void {
  const w = ctx.m.body;
  const { reg, off } = target(ctx, step);
  if (reg.access !== 'rw' || reg.width !== 32)
    fail(
      ctx,
      step,
      `modifies ${reg.name}, which is ${reg.width}-bit ${reg.access}: only 32-bit rw registers have a read-modify-write`,
    );
  const { constBits, mask, terms } = placeFields(ctx, step, reg, step.fields);
  // Bits that must not be written back as read (w1c, self-clearing, write-only) are dropped.
  const clear = (~mask & modifyKeepMask(reg)) >>> 0;
  const set = [hex32(constBits), ...terms].join(' | ');
  w.line(`mmio.write32(${off}, ((mmio.read32(${off}) & ${hex32(clear)}) | ${set}) >>> 0);`);
}

function emitWait(ctx: StepContext, step: Extract<Step, { op: 'wait' }>): void {
  const w = ctx.m.body;
  const { reg, off } = target(ctx, step);
  if (!canRead(reg.access) || reg.width !== 32)
    fail(ctx, step, `polls ${reg.name}, which cannot be read with one 32-bit access`);
  const f = step.field !== undefined ? fieldNamed(ctx, step, reg, step.field) : undefined;
  const mask = f ? fieldMask(f) : 0xffff_ffff;
  const shift = f ? f.lsb : 0;
  const max = f ? fieldMax(f) : 0xffff_ffff;
  const expected =
    step.value.kind === 'const'
      ? String(step.value.value >>> 0)
      : paramValue(ctx, step.value.name, max, `${reg.name}${f ? `.${f.name}` : ''}`);
  if (step.value.kind === 'const' && step.value.value >>> 0 > max)
    fail(ctx, step, `compares with ${step.value.value}, which does not fit (0..${max})`);
  const poll = ctx.m.runtimeValue('pollRegister');
  const targetName = `${reg.name}${step.index !== undefined ? `[${step.index}]` : ''}${f ? `.${f.name}` : ''}`;
  w.block(
    `await ${poll}(mmio, clock, {`,
    () => {
      w.line(`offset: ${off},`);
      w.line(`mask: ${hex32(mask)},`);
      w.line(`shift: ${shift},`);
      w.line(`cmp: ${str(step.cmp)},`);
      w.line(`expected: ${expected},`);
      w.line(`timeoutUs: ${step.timeoutUs},`);
      w.line(`intervalUs: ${step.intervalUs},`);
      w.line(
        `where: { sequence: ${str(ctx.seq.name)}, step: ${ctx.n}, location: ${str(where(step.loc))}, target: ${str(targetName)} },`,
      );
    },
    '});',
  );
}
