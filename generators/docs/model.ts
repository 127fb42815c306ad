/**
 * What the Markdown and HTML docs show, computed once: the register map rows, each
 * register's bit table (MSB first, reserved gaps as rows, per-field reset decoded from
 * the register's reset value), descriptor layouts and ring rules in words. The two
 * renderers only format these.
 */
import type { Descriptor, DescriptorField, Device, Field, Register, Ring } from '../../spec/ir.js';
import { firstSentence, hex, hex32, offsetDigits, oneLine, sectionRef } from '../emit.js';
import { describePost } from '../steps.js';
import {
  accessMeaning,
  barRegisters,
  barSize,
  descriptorLayouts,
  fieldAccess,
  fieldMask,
  modifyKeepMask,
  reservedRuns,
  spaceRegisters,
  typeBits,
} from '../layout.js';

export interface BitRow {
  /** `31`, `9:8`. */
  bits: string;
  msb: number;
  lsb: number;
  /** Field name, or undefined for a reserved gap. */
  name?: string;
  access: string;
  /** Access explained, for hover text. */
  accessMeaning: string;
  reset: string;
  description: string;
  /** `S10 = 0 (10 Mb/s)` lines. */
  enumValues: string[];
}

export interface RegisterDoc {
  reg: Register;
  /** Anchor id, e.g. `reg-ctrl`. */
  id: string;
  /** `0x00000` (BAR registers) or `phy 0` (space registers). */
  where: string;
  /** `BAR 0 + 0x00000`, with array and split facts. */
  placement: string;
  summary: string;
  ref?: string;
  resetText: string;
  rows: BitRow[];
  /** Notes a driver author must not miss (destructive read, bits modify drops). */
  notes: string[];
}

export function registerId(reg: Register): string {
  return `reg-${reg.space ? `${reg.space}-` : ''}${reg.name.toLowerCase()}`;
}

function fieldDescription(f: Field): string {
  const doc = oneLine(f.doc);
  const ref = sectionRef(f.ref);
  const parts = [doc === '' || /[.!?]$/.test(doc) ? doc : `${doc}.`];
  if (f.selfClearing) parts.push('Self-clearing: the device clears it when the action completes.');
  if (ref) parts.push(`(${ref})`);
  return parts.filter((p) => p !== '').join(' ');
}

function bitsText(msb: number, lsb: number): string {
  return msb === lsb ? `${msb}` : `${msb}:${lsb}`;
}

/** The field's reset value, decoded from the register's reset value. */
function fieldReset(reg: Register, f: Field): string {
  if (reg.width > 32 || f.lsb >= 32) return '0';
  const v = ((reg.reset & fieldMask(f)) >>> 0) / 2 ** f.lsb;
  return v > 9 ? hex(v, 1) : String(v);
}

export function bitRows(reg: Register): BitRow[] {
  const rows: BitRow[] = reg.fields.map((f) => {
    const access = fieldAccess(reg, f);
    return {
      bits: bitsText(f.msb, f.lsb),
      msb: f.msb,
      lsb: f.lsb,
      name: f.name,
      access: f.selfClearing ? `${access}, sc` : access,
      accessMeaning: accessMeaning(access) + (f.selfClearing ? '; self-clearing' : ''),
      reset: fieldReset(reg, f),
      description: fieldDescription(f),
      enumValues: (f.enum ?? []).map(
        (e) => `${e.name} = ${e.value}${e.doc ? ` (${oneLine(e.doc)})` : ''}`,
      ),
    };
  });
  if (reg.fields.length > 0) {
    for (const run of reservedRuns(reg.fields, reg.width)) {
      rows.push({
        bits: bitsText(run.msb, run.lsb),
        msb: run.msb,
        lsb: run.lsb,
        access: '-',
        accessMeaning: 'reserved: write 0, ignore on read',
        reset: '-',
        description: 'reserved',
        enumValues: [],
      });
    }
  }
  return rows.sort((a, b) => b.msb - a.msb);
}

export function registerDoc(ir: Device, reg: Register): RegisterDoc {
  const digits = offsetDigits(barSize(ir, reg.bar));
  const where =
    reg.space !== undefined ? `${reg.space} ${reg.offset}` : hex(reg.offset, digits, false);
  const array = reg.array ? `, ${reg.array.count} elements, stride ${reg.array.stride} bytes` : '';
  const split = reg.split ? `, low word at +0, high word at +4 (read low first)` : '';
  const placement =
    reg.space !== undefined
      ? `${reg.space} register ${reg.offset}`
      : `BAR ${reg.bar} + ${where}${array}${split}`;
  const notes: string[] = [];
  if (reg.access === 'rc')
    notes.push(
      'Clear on read: reading returns the bits and clears them. Read it once and keep the value.',
    );
  if (reg.counter)
    notes.push(
      reg.access === 'rc'
        ? 'Statistics counter: accumulate it in software (it clears on read).'
        : 'Statistics counter: it wraps; accumulate differences.',
    );
  if (reg.access === 'rw' && reg.width <= 32) {
    const keep = modifyKeepMask(reg);
    if (keep !== 0xffff_ffff)
      notes.push(`A read-modify-write writes these bits as 0: mask ${hex32(~keep >>> 0)}.`);
  }
  return {
    reg,
    id: registerId(reg),
    where,
    placement,
    summary: firstSentence(reg.doc),
    ref: sectionRef(reg.ref),
    resetText: reg.width <= 32 ? hex32(reg.reset) : '0',
    rows: bitRows(reg),
    notes,
  };
}

export function registerDocs(ir: Device): {
  bar: RegisterDoc[];
  spaces: Array<{ name: string; doc: string; width: number; regs: RegisterDoc[] }>;
} {
  return {
    bar: barRegisters(ir).map((r) => registerDoc(ir, r)),
    spaces: [...ir.spaces]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({
        name: s.name,
        doc: oneLine(s.doc),
        width: s.width,
        regs: spaceRegisters(ir)
          .filter((r) => r.space === s.name)
          .map((r) => registerDoc(ir, r)),
      })),
  };
}

export interface DescFieldRow {
  bytes: string;
  offset: number;
  size: number;
  name: string;
  type: string;
  bits: string;
  description: string;
}

export function descriptorRows(fields: DescriptorField[]): DescFieldRow[] {
  return [...fields]
    .sort((a, b) => a.offset - b.offset)
    .map((f) => {
      const size = typeBits(f.type) / 8;
      return {
        bytes: size === 1 ? `${f.offset}` : `${f.offset}..${f.offset + size - 1}`,
        offset: f.offset,
        size,
        name: f.name,
        type: f.type,
        bits: [...f.bits]
          .sort((a, b) => b.lsb - a.lsb)
          .map(
            (b) =>
              `${b.name}[${bitsText(b.msb, b.lsb)}]${b.enum ? ` (${b.enum.map((e) => `${e.name}=${e.value}`).join(', ')})` : ''}`,
          )
          .join(' '),
        description: oneLine(f.doc),
      };
    });
}

export function descriptorLayoutDocs(
  d: Descriptor,
): Array<{ title: string; id: string; rows: DescFieldRow[] }> {
  return descriptorLayouts(d).map((l) => ({
    title: l.kind === 'read' ? `${d.name}` : `${d.name} (writeback)`,
    id: `desc-${d.name.toLowerCase()}${l.kind === 'writeback' ? '-wb' : ''}`,
    rows: descriptorRows(l.fields),
  }));
}

/** The ring's rules as sentences. */
export function ringRules(ir: Device, r: Ring): string[] {
  const desc = ir.descriptors.find((d) => d.name === r.descriptor);
  const post = r.post.map((p) => describePost(desc, p)).join(', ');
  const rules = [
    `Direction ${r.direction}: the device ${r.direction === 'tx' ? 'reads buffers software posts' : 'writes into buffers software posts'}.`,
    `Descriptor ${r.descriptor}${r.formats.length > 1 ? `; the ring also carries ${r.formats.filter((f) => f !== r.descriptor).join(', ')}` : ''}.`,
    `Base ${r.registers.baseLo} (low 32 bits) and ${r.registers.baseHi} (high), aligned to ${r.align} bytes; ${r.registers.length} holds the ring size in bytes.`,
    `${r.registers.tail} (tail) is owned by the ${r.owners.tail}: it hands slots over by writing the tail, once per burst, and keeps its value in memory.`,
    `${r.registers.head} (head) is owned by the ${r.owners.head}: software writes it only while the ring is disabled (to 0 at init).`,
    `Head == tail means empty, so one slot always stays unused: a ring of N slots holds at most N - 1.`,
    `Count ${r.count.min}..${r.count.max}, a multiple of ${r.count.step}; default ${r.count.default}.`,
    `Buffers: ${r.buffer.default} bytes by default, at most ${r.buffer.max} per slot.`,
    `On post: ${post}.`,
    `A slot is back when ${r.done.field}.${r.done.bit} is set; software clears it before the slot is reused.`,
  ];
  if (r.lastOfFrame)
    rules.push(`${r.lastOfFrame.field}.${r.lastOfFrame.bit} marks the last descriptor of a frame.`);
  if (r.reportStatus)
    rules.push(
      `${r.reportStatus.field}.${r.reportStatus.bit} asks the device to write status back (without it, no done bit).`,
    );
  if (r.eop) rules.push(`${r.eop.field}.${r.eop.bit}: end of packet.`);
  if (r.lengthField) rules.push(`Received length: ${r.lengthField.field}.`);
  if (r.errorsField) rules.push(`Errors: ${r.errorsField.field}.`);
  return rules;
}
