/**
 * counters.ts: a `Counters` class that keeps 64-bit running totals of the statistics
 * counters (`counter` registers). Clear-on-read counters are summed as read; counters
 * that never clear add the change since the previous read, modulo 2^32, so a wrap is
 * counted, not lost. Totals are numbers: exact up to 2^53 (about 2.3 years of 1 Gb/s
 * line-rate bytes).
 */
import type { Device, Register } from '../../spec/ir.js';
import { NicdlError } from '../../spec/errors.js';
import { hex, oneLine, str } from '../emit.js';
import { barRegisters, TWO_POW_32 } from '../layout.js';
import { CONSTRUCTOR_FIELD, offsetLiteral } from './registers.js';
import { TsModule, type TsOptions } from './module.js';

export const COUNTERS_FILE = 'counters.ts';

const MEMBERS = ['accumulate', 'snapshot', 'clear', 'mmio', 'constructor'];

export function generateCounters(
  ir: Device,
  options: TsOptions,
): { module: TsModule; exports: string[] } {
  const m = new TsModule(
    COUNTERS_FILE,
    ir,
    options,
    'Statistics counters accumulated into 64-bit totals.',
  );
  const all = barRegisters(ir);
  const counters = all.filter((r) => r.counter);
  if (counters.length === 0) return { module: m, exports: [] };
  for (const c of counters) {
    if (MEMBERS.includes(c.name) || MEMBERS.includes(`last${c.name}`)) {
      throw new NicdlError(
        'E_GEN_NAME_CLASH',
        `counter ${c.name} clashes with a member of the generated Counters class`,
      );
    }
  }
  const mmio = m.runtimeType('Mmio');
  const bars = [...new Set(all.map((r) => r.bar))].sort((a, b) => a - b);
  const w = m.body;
  w.doc(
    `Running totals of ${ir.name}'s ${counters.length} statistics counters.`,
    'Call `accumulate()` periodically (often enough that no 32-bit counter wraps twice between calls). ' +
      'Reading clears the clear-on-read counters: let one Counters object own them.',
  );
  w.block('export class Counters {', () => {
    for (const c of counters) {
      w.doc(
        `${c.name}${c.doc ? ` — ${oneLine(c.doc)}` : ''} (${c.access}${c.split ? ', split 64-bit' : ''}, ${offsetLiteral(ir, c)}).`,
      );
      w.line(
        c.array ? `readonly ${c.name} = new Float64Array(${c.array.count});` : `${c.name} = 0;`,
      );
    }
    for (const c of counters.filter(wraps)) {
      w.line(
        c.array
          ? `private readonly last${c.name} = new Float64Array(${c.array.count});`
          : `private last${c.name} = 0;`,
      );
    }
    w.line();
    for (const b of bars) w.line(`${CONSTRUCTOR_FIELD} private readonly bar${b}: ${mmio};`);
    w.line();
    w.block(`constructor(${bars.map((b) => `bar${b}: ${mmio}`).join(', ')}) {`, () => {
      for (const b of bars) w.line(`this.bar${b} = bar${b};`);
    });
    w.line();
    w.doc('Reads every counter once and adds what it counted since the last call.');
    w.block('accumulate(): void {', () => {
      for (const c of counters) emitAccumulate(m, ir, c);
    });
    w.line();
    w.doc(
      'Totals by name (array elements as `NAME[i]`), in offset order. Allocates: for reports, not hot paths.',
    );
    w.block('snapshot(): Record<string, number> {', () => {
      w.line('const out: Record<string, number> = {};');
      for (const c of counters) {
        if (c.array) w.line(`this.${c.name}.forEach((v, i) => (out[\`${c.name}[\${i}]\`] = v));`);
        else w.line(`out[${str(c.name)}] = this.${c.name};`);
      }
      w.line('return out;');
    });
    w.line();
    w.doc('Sets every total to 0. The device is not touched.');
    w.block('clear(): void {', () => {
      for (const c of counters) w.line(c.array ? `this.${c.name}.fill(0);` : `this.${c.name} = 0;`);
    });
  });
  w.line();
  w.doc(`A Counters object over ${ir.name}'s BARs.`);
  w.block(
    `export function counters(${bars.map((b) => `bar${b}: ${mmio}`).join(', ')}): Counters {`,
    () => {
      w.line(`return new Counters(${bars.map((b) => `bar${b}`).join(', ')});`);
    },
  );
  return { module: m, exports: ['Counters', 'counters'] };
}

/** A 32-bit counter that never clears: it wraps, so the total adds differences. */
function wraps(c: Register): boolean {
  return c.access !== 'rc' && c.width === 32;
}

function emitAccumulate(m: TsModule, ir: Device, c: Register): void {
  const w = m.body;
  const bar = `this.bar${c.bar}`;
  const base = offsetLiteral(ir, c);
  const emit = (off: string, total: string, last: string) => {
    if (c.width === 64) {
      // Low word first: the device latches the high word when the low word is read.
      w.line(
        `${total} ${c.access === 'rc' ? '+=' : '='} ${bar}.read32(${off}) + ${bar}.read32(${off} + 4) * ${hex(TWO_POW_32, 9)};`,
      );
    } else if (c.access === 'rc') {
      w.line(`${total} += ${bar}.read32(${off});`);
    } else {
      w.block('{', () => {
        w.line(`const now = ${bar}.read32(${off});`);
        w.line(`${total} += (now - ${last}) >>> 0;`);
        w.line(`${last} = now;`);
      });
    }
  };
  w.line(`// ${c.name}`);
  if (c.array) {
    w.block(`for (let i = 0; i < ${c.array.count}; i++) {`, () => {
      emit(`${base} + i * ${c.array!.stride}`, `this.${c.name}[i]`, `this.last${c.name}[i]`);
    });
  } else {
    emit(base, `this.${c.name}`, `this.last${c.name}`);
  }
}
