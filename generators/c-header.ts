/**
 * `--target c-header`: one C header of #defines (register offsets, field masks and
 * shifts, enum values, descriptor field offsets and bit masks, ring limits, constants),
 * for people who check the spec against a C driver. Names are `<DEVICE>_<REG>[_<FIELD>]`.
 */
import type { Descriptor, DescriptorField, Device, Field, Register } from '../spec/ir.js';
import { headerText, hex, offsetDigits, oneLine, sectionRef } from './emit.js';
import {
  barRegisters,
  barSize,
  descriptorLayouts,
  normalize,
  fieldMask,
  fieldsByLsb,
  spaceRegisters,
  typeBits,
} from './layout.js';

/** Column the values start at, so the defines line up. */
const VALUE_COLUMN = 48;

class Defines {
  private readonly lines: string[] = [];

  constructor(private readonly prefix: string) {}

  comment(text: string): void {
    this.lines.push(`/* ${text.replace(/\*\//g, '* /')} */`);
  }

  blank(): void {
    if (this.lines[this.lines.length - 1] !== '') this.lines.push('');
  }

  /** `#define PREFIX_NAME value`, or a function-like macro when `params` is given. */
  define(name: string, value: string, params = ''): void {
    const full = `#define ${this.prefix}_${name.toUpperCase()}${params}`;
    this.lines.push(`${full.padEnd(VALUE_COLUMN - 1)} ${value}`);
  }

  raw(line: string): void {
    this.lines.push(line);
  }

  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}

/** An unsigned C literal in zero-padded hex. */
function u(n: number, digits = 8): string {
  return `${hex(n, digits, false)}u`;
}

export function generateCHeader(spec: Device): string {
  const ir = normalize(spec);
  const prefix = ir.name.toUpperCase();
  const guard = `NICDL_${prefix}_H`;
  const d = new Defines(prefix);
  d.raw(`/* ${headerText(ir)} */`);
  d.raw(`#ifndef ${guard}`);
  d.raw(`#define ${guard}`);
  emitConstants(d, ir);
  d.blank();
  d.comment(`Registers: byte offsets in their BAR; fields as _SHIFT and _MASK (mask in place)`);
  for (const reg of barRegisters(ir)) emitRegister(d, ir, reg);
  for (const space of ir.spaces) {
    d.blank();
    d.comment(`Space ${space.name}: register numbers, ${space.width}-bit registers`);
    for (const reg of spaceRegisters(ir).filter((r) => r.space === space.name))
      emitRegister(d, ir, reg, `${space.name}_`);
  }
  for (const desc of ir.descriptors) emitDescriptor(d, desc);
  for (const ring of ir.rings) {
    d.blank();
    const n = `RING_${ring.name}`;
    d.comment(
      `Ring ${ring.name} (${ring.direction}, ${ring.descriptor}): done when ${ring.done.field}.${ring.done.bit}`,
    );
    d.define(`${n}_COUNT_MIN`, String(ring.count.min));
    d.define(`${n}_COUNT_MAX`, String(ring.count.max));
    d.define(`${n}_COUNT_STEP`, String(ring.count.step));
    d.define(`${n}_COUNT_DEFAULT`, String(ring.count.default));
    d.define(`${n}_ALIGN`, String(ring.align));
    d.define(`${n}_BUFFER_DEFAULT`, String(ring.buffer.default));
    d.define(`${n}_BUFFER_MAX`, String(ring.buffer.max));
  }
  d.blank();
  d.raw(`#endif /* ${guard} */`);
  return d.toString();
}

function emitConstants(d: Defines, ir: Device): void {
  if (ir.pci.length > 0) {
    d.blank();
    d.comment('PCI identity');
    ir.pci.forEach((p, i) => {
      const suffix = ir.pci.length > 1 ? `_${i}` : '';
      d.define(`PCI_VENDOR${suffix}`, u(p.vendor, 4));
      d.define(`PCI_DEVICE${suffix}`, u(p.device, 4));
    });
  }
  if (ir.constants.length === 0) return;
  d.blank();
  d.comment('Constants');
  for (const c of ir.constants) {
    if (c.doc) d.comment(oneLine(c.doc));
    d.define(c.name, c.value < 0 ? `(${c.value})` : String(c.value));
  }
}

function emitRegister(d: Defines, ir: Device, reg: Register, space = ''): void {
  const name = `${space}${reg.name}`;
  const ref = sectionRef(reg.ref);
  d.blank();
  d.comment(
    `${reg.name}${reg.doc ? ` - ${oneLine(reg.doc)}` : ''}${ref ? ` (${ref})` : ''}: ${reg.width}-bit ${reg.access}${reg.counter ? ' counter' : ''}`,
  );
  const digits = reg.space !== undefined ? 2 : offsetDigits(barSize(ir, reg.bar));
  if (reg.array) {
    d.define(name, `(${u(reg.offset, digits)} + (n) * ${reg.array.stride}u)`, '(n)');
    d.define(`${name}_COUNT`, String(reg.array.count));
  } else {
    d.define(name, u(reg.offset, digits));
  }
  if (reg.split) {
    d.define(`${name}_HI_OFFSET`, '4');
  }
  if (reg.width <= 32) d.define(`${name}_RESET`, u(reg.reset, reg.width / 4));
  for (const f of fieldsByLsb(reg)) emitField(d, name, f, reg.width);
}

function emitField(d: Defines, owner: string, f: Field, width: number): void {
  const digits = Math.min(width, 32) / 4;
  if (f.lsb >= 32) return;
  d.define(`${owner}_${f.name}_SHIFT`, String(f.lsb));
  d.define(`${owner}_${f.name}_MASK`, u(fieldMask(f), digits));
  for (const e of f.enum ?? []) d.define(`${owner}_${f.name}_${e.name}`, u(e.value, 1));
}

function emitDescriptor(d: Defines, desc: Descriptor): void {
  for (const layout of descriptorLayouts(desc)) {
    const name = layout.kind === 'read' ? desc.name : `${desc.name}_WB`;
    d.blank();
    d.comment(
      `Descriptor ${desc.name}${layout.kind === 'writeback' ? ' (writeback)' : ''}: ${desc.size} bytes, little-endian`,
    );
    if (layout.kind === 'read') d.define(`${name}_SIZE`, String(desc.size));
    for (const f of [...layout.fields].sort((a, b) => a.offset - b.offset))
      emitDescField(d, name, f);
  }
}

function emitDescField(d: Defines, owner: string, f: DescriptorField): void {
  d.define(`${owner}_${f.name}_OFFSET`, String(f.offset));
  for (const b of [...f.bits].sort((x, y) => x.lsb - y.lsb)) {
    const digits = Math.min(typeBits(f.type), 32) / 4;
    if (b.lsb >= 32) continue;
    d.define(`${owner}_${f.name}_${b.name}`, u(fieldMask(b), digits));
    if (b.msb > b.lsb) d.define(`${owner}_${f.name}_${b.name}_SHIFT`, String(b.lsb));
    for (const e of b.enum ?? []) d.define(`${owner}_${f.name}_${b.name}_${e.name}`, u(e.value, 1));
  }
}
