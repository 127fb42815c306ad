/**
 * The text form of a register dump: one line per register (offset, name, value,
 * access, what it is), then one indented line per field with its bits, value and enum
 * name. Registers not read say why.
 */
import type { DecodedField, DumpedRegister } from './register-dump.js';

const OFFSET_DIGITS = 5;

export function formatDump(registers: readonly DumpedRegister[]): string[] {
  const nameWidth = Math.max(4, ...registers.map((r) => r.name.length));
  const lines: string[] = [];
  for (const r of registers) {
    lines.push(registerLine(r, nameWidth));
    const fieldWidth = Math.max(0, ...r.fields.map((f) => f.name.length));
    for (const f of r.fields) lines.push(fieldLine(f, fieldWidth));
    if (r.unknownBits)
      lines.push(`        (bits outside the spec's fields set: 0x${r.unknownBits.toString(16)})`);
  }
  return lines;
}

function registerLine(r: DumpedRegister, nameWidth: number): string {
  const offset = `0x${r.offset.toString(16).padStart(OFFSET_DIGITS, '0')}`;
  const name = r.name.padEnd(nameWidth);
  const bar = r.bar === 0 ? '' : ` bar${r.bar}`;
  const value = r.skipped ? skipText(r) : (r.hex ?? '').padEnd(r.width === 64 ? 18 : 10);
  const doc = r.doc && !r.skipped ? `  ${r.doc}` : '';
  const diff = r.differs && !r.skipped ? ` (reset 0x${r.reset.toString(16)})` : '';
  return `${offset}${bar}  ${name}  ${value}  ${r.access.padEnd(3)}${diff}${doc}`.trimEnd();
}

function skipText(r: DumpedRegister): string {
  return r.skipped === 'write-only' ? 'write-only' : 'not read: reading clears it (--include-rc)';
}

/** Fields wider than this also show their value in hex. */
const DECIMAL_ONLY_MAX_BITS = 4;

function fieldLine(f: DecodedField, width: number): string {
  const hexToo =
    fieldBits(f) > DECIMAL_ONLY_MAX_BITS && f.value > 9 ? ` (0x${f.value.toString(16)})` : '';
  const name = f.enumName ? `  ${f.enumName}` : '';
  return `          ${f.name.padEnd(width)}  ${f.bits.padEnd(7)}  ${f.access.padEnd(3)} ${String(f.value).padStart(10)}${hexToo}${name}`.trimEnd();
}

function fieldBits(f: DecodedField): number {
  const [msb, lsb = msb] = f.bits.slice(1, -1).split(':').map(Number);
  return msb - lsb + 1;
}
