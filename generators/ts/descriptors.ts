/**
 * descriptors.ts: one codec class per descriptor format (and one per writeback layout),
 * bound to a DMA region whose slot `i` starts at byte `i * SIZE`. Each field has a getter
 * and a setter taking the slot number, with the byte offset folded into a typed-array
 * index; bit fields get their own getters and setters. Nothing allocates.
 * Whole-field setters store like C does (a value wider than the field is truncated);
 * multi-bit bit-field setters mask the value to the field.
 */
import type { Descriptor, DescriptorField, Device, Field } from '../../spec/ir.js';
import { NicdlError } from '../../spec/errors.js';
import { camel, hex, oneLine, pascal, sectionRef, titled } from '../emit.js';
import { enumIsTotal, fieldMask, fieldWidth, typeBits } from '../layout.js';
import { getBits, setBits } from './bits.js';
import { bitRange } from './codecs.js';
import { fieldStorage, type ViewName } from './dma.js';
import { TsModule, type TsOptions } from './module.js';
import { CONSTRUCTOR_FIELD } from './registers.js';

export const DESCRIPTORS_FILE = 'descriptors.ts';

const CLASS_MEMBERS = [
  'region',
  'slots',
  'clear',
  'u8',
  'u16',
  'u32',
  'view',
  'constructor',
  'SIZE',
];

/** Class name of a layout: the format's name, or `<Name>Writeback`. */
export function layoutClass(d: Descriptor, kind: 'read' | 'writeback'): string {
  return kind === 'read' ? d.name : `${d.name}Writeback`;
}

/** Getter/setter names of a whole field and of a bit field. */
export function fieldMethod(field: DescriptorField): { get: string; set: string } {
  const c = camel(field.name);
  return { get: c, set: `set${pascal(field.name)}` };
}

export function bitMethod(field: DescriptorField, bit: Field): { get: string; set: string } {
  const c = `${camel(field.name)}${bit.name}`;
  return { get: c, set: `set${pascal(field.name)}${bit.name}` };
}

/** Name of a descriptor bit field's enum const and type, e.g. `TxContextPaylenDtypDtyp`. */
export function bitEnumName(cls: string, field: DescriptorField, bit: Field): string {
  return `${cls}${pascal(field.name)}${pascal(bit.name)}`;
}

/** The bit field, its bit positions within the 32-bit word that stores it, and that word. */
function bitWord(
  d: Descriptor,
  field: DescriptorField,
  bit: Field,
): { lsb: number; msb: number; word: 'lo' | 'hi' | 'only' } {
  if (field.type !== 'u64') return { lsb: bit.lsb, msb: bit.msb, word: 'only' };
  if (bit.msb < 32) return { lsb: bit.lsb, msb: bit.msb, word: 'lo' };
  if (bit.lsb >= 32) return { lsb: bit.lsb - 32, msb: bit.msb - 32, word: 'hi' };
  throw new NicdlError(
    'E_GEN_UNSUPPORTED',
    `descriptor ${d.name}: bit field ${field.name}.${bit.name} straddles the two 32-bit halves of a u64`,
  );
}

export function generateDescriptors(
  ir: Device,
  options: TsOptions,
): { module: TsModule; exports: string[] } {
  const m = new TsModule(
    DESCRIPTORS_FILE,
    ir,
    options,
    'Descriptor codecs over DMA memory, addressed by slot.',
  );
  const exports: string[] = [];
  for (const d of ir.descriptors) {
    exports.push(...emitLayout(m, d, 'read', d.fields));
    if (d.writeback) exports.push(...emitLayout(m, d, 'writeback', d.writeback));
  }
  return { module: m, exports };
}

function emitLayout(
  m: TsModule,
  d: Descriptor,
  kind: 'read' | 'writeback',
  fields: DescriptorField[],
): string[] {
  const name = layoutClass(d, kind);
  const sorted = [...fields].sort((a, b) => a.offset - b.offset);
  checkNames(d, name, sorted);
  const exports: string[] = [];
  for (const f of sorted)
    for (const b of f.bits) if (b.enum) exports.push(emitBitEnum(m, name, f, b));
  exports.push(emitBitMasks(m, name, sorted));
  exports.push(emitClass(m, d, kind, name, sorted));
  return exports.filter((e) => e !== '');
}

function checkNames(d: Descriptor, cls: string, fields: DescriptorField[]): void {
  const seen = new Set<string>(CLASS_MEMBERS);
  for (const f of fields) {
    const names = [
      fieldMethod(f).get,
      fieldMethod(f).set,
      ...f.bits.flatMap((b) => [bitMethod(f, b).get, bitMethod(f, b).set]),
    ];
    for (const n of names) {
      if (seen.has(n))
        throw new NicdlError(
          'E_GEN_NAME_CLASH',
          `descriptor ${d.name}: generated member ${cls}.${n} would be defined twice; rename a field`,
        );
      seen.add(n);
    }
  }
}

function emitBitEnum(m: TsModule, cls: string, f: DescriptorField, b: Field): string {
  const w = m.body;
  const name = bitEnumName(cls, f, b);
  w.gap();
  w.doc(`${cls}.${f.name}.${b.name} values${oneLine(b.doc) ? `: ${oneLine(b.doc)}` : ''}.`);
  w.block(
    `export const ${name} = {`,
    () => {
      for (const e of [...b.enum!].sort((x, y) => x.value - y.value)) {
        w.doc(oneLine(e.doc) || undefined);
        w.line(`${e.name}: ${e.value},`);
      }
    },
    '} as const;',
  );
  w.line(`export type ${name} = (typeof ${name})[keyof typeof ${name}];`);
  return name;
}

function emitBitMasks(m: TsModule, cls: string, fields: DescriptorField[]): string {
  const withBits = fields.filter((f) => f.bits.length > 0);
  if (withBits.length === 0) return '';
  const w = m.body;
  const name = `${cls}Bits`;
  w.gap();
  w.doc(
    `Masks of ${cls}'s bit fields within their field, e.g. \`${name}.${withBits[0].name}.${withBits[0].bits[0].name}\`.`,
  );
  w.block(
    `export const ${name} = {`,
    () => {
      for (const f of withBits) {
        const digits = Math.min(typeBits(f.type), 32) / 4;
        const bits = [...f.bits].sort((a, b) => a.lsb - b.lsb);
        w.line(
          `${f.name}: { ${bits.map((b) => `${b.name}: ${hex(maskOf(b), digits)}`).join(', ')} },`,
        );
      }
    },
    '} as const;',
  );
  return name;
}

/** Mask of a bit field in its field (u64 fields: bits 32+ are shown in the high word's terms). */
function maskOf(b: Field): number {
  return b.lsb >= 32 ? fieldMask({ lsb: b.lsb - 32, msb: b.msb - 32 }) : fieldMask(b);
}

function emitClass(
  m: TsModule,
  d: Descriptor,
  kind: 'read' | 'writeback',
  cls: string,
  fields: DescriptorField[],
): string {
  const w = m.body;
  const region = m.runtimeType('DmaRegion');
  const views = new Set<ViewName>();
  for (const f of fields)
    for (const v of fieldStorage('this.', d.size, f.offset, f.type).views) views.add(v);
  const meaning =
    kind === 'writeback' ? ` The same slots as ${d.name}, as the device writes them back.` : '';
  w.gap();
  w.doc(
    `${titled(cls, d.doc, d.ref, `${d.name} descriptor`)} ${d.size} bytes.${meaning}`,
    `A codec over one DMA region: slot \`i\` is bytes [${d.size}i, ${d.size}i + ${d.size}). Offsets are constants; nothing allocates.`,
    layoutTable(fields),
  );
  w.block(`export class ${cls} {`, () => {
    w.doc('Bytes per descriptor.');
    w.line(`static readonly SIZE = ${d.size};`);
    w.line(`${CONSTRUCTOR_FIELD} readonly region: ${region};`);
    for (const v of [...views].sort())
      w.line(`${CONSTRUCTOR_FIELD} private readonly ${v}: ${viewType(v)};`);
    w.line();
    w.block(`constructor(region: ${region}) {`, () => {
      w.line('this.region = region;');
      for (const v of [...views].sort()) w.line(`this.${v} = region.${v};`);
    });
    w.line();
    w.doc('Slots the region holds.');
    w.block('get slots(): number {', () =>
      w.line(`return Math.floor(this.region.size / ${d.size});`),
    );
    w.line();
    w.doc(`Zeroes every byte of slot \`slot\`.`);
    w.block('clear(slot: number): void {', () =>
      w.line(`this.region.u8.fill(0, slot * ${d.size}, slot * ${d.size} + ${d.size});`),
    );
    for (const f of fields) emitField(m, d, cls, f);
  });
  return cls;
}

function viewType(v: ViewName): string {
  return { u8: 'Uint8Array', u16: 'Uint16Array', u32: 'Uint32Array', view: 'DataView' }[v];
}

function layoutTable(fields: DescriptorField[]): string {
  const rows = fields.map((f) => {
    const bits =
      f.bits.length > 0
        ? ` { ${[...f.bits]
            .sort((a, b) => a.lsb - b.lsb)
            .map((b) => `${b.name}${bitRange(b)}`)
            .join(' ')} }`
        : '';
    return `- byte ${f.offset}: ${f.name} ${f.type}${bits}`;
  });
  return rows.join('\n');
}

function emitField(m: TsModule, d: Descriptor, cls: string, f: DescriptorField): void {
  const w = m.body;
  const st = fieldStorage('this.', d.size, f.offset, f.type);
  const { get, set } = fieldMethod(f);
  const doc = `${f.name} ${f.type} @ ${f.offset}${oneLine(f.doc) ? ` — ${oneLine(f.doc)}` : ''}${sectionRef(f.ref) ? ` (${sectionRef(f.ref)})` : ''}`;
  const exact = f.type === 'u64' ? ' Two 32-bit halves; exact below 2^53.' : '';
  w.line();
  w.doc(`${doc}.${exact}`);
  w.block(`${get}(slot: number): number {`, () => w.line(`return ${st.read};`));
  w.line();
  w.doc(`Sets ${f.name} of slot \`slot\`.`);
  w.block(`${set}(slot: number, value: number): void {`, () => {
    for (const l of st.write('value')) w.line(l);
  });
  for (const b of [...f.bits].sort((x, y) => x.lsb - y.lsb)) emitBit(m, d, cls, f, b);
}

function emitBit(m: TsModule, d: Descriptor, cls: string, f: DescriptorField, b: Field): void {
  const w = m.body;
  const pos = bitWord(d, f, b);
  const st = fieldStorage('this.', d.size, f.offset, f.type);
  // The 32-bit word (or narrower element) that holds the bits, as an lvalue when there is one.
  const holder = st.lvalue ?? (pos.word === 'hi' ? st.words?.hi : st.words?.lo);
  if (!holder && f.type === 'u64') {
    throw new NicdlError(
      'E_GEN_UNSUPPORTED',
      `descriptor ${d.name}: bit fields of the unaligned u64 ${f.name} are not supported`,
    );
  }
  const { get, set } = bitMethod(f, b);
  const local = { lsb: pos.lsb, msb: pos.msb };
  const one = fieldWidth(b) === 1;
  const enumName = b.enum ? bitEnumName(cls, f, b) : undefined;
  const outType = one ? 'boolean' : enumName && enumIsTotal(b) ? enumName : 'number';
  const inType = one ? 'boolean | 0 | 1' : (enumName ?? 'number');
  const summary = `${f.name}.${b.name} ${bitRange(b)}${oneLine(b.doc) ? ` — ${oneLine(b.doc)}` : ''}`;
  w.line();
  w.doc(`${summary}.`);
  w.block(`${get}(slot: number): ${outType} {`, () => {
    const v = holder ?? st.read;
    if (one)
      w.line(`return (${v} & ${hex(fieldMask(local), Math.min(typeBits(f.type), 32) / 4)}) !== 0;`);
    else {
      const expr = getBits('v', local);
      w.line(`const v = ${v};`);
      w.line(`return ${outType === 'number' ? expr : `(${expr}) as ${outType}`};`);
    }
  });
  w.line();
  w.doc(`Sets ${summary}${one ? '' : ' (masked to the field)'}.`);
  w.block(`${set}(slot: number, x: ${inType}): void {`, () => {
    const digits = Math.min(typeBits(f.type), 32) / 4;
    if (st.element) {
      const { array, index, hiIndex } = st.element;
      const i = pos.word === 'hi' ? hiIndex : index;
      if (i === undefined)
        throw new NicdlError(
          'E_GEN_UNSUPPORTED',
          `descriptor ${d.name}: ${f.name} has no high word`,
        );
      w.line(`const i = ${i};`);
      w.line(`${array}[i] = ${setBits(`${array}[i]`, local, 'x', digits)};`);
    } else {
      // Unaligned field: read, change, write back through the DataView.
      w.line(`const v = ${st.read};`);
      for (const l of st.write(`(${setBits('v', local, 'x', digits)}) >>> 0`)) w.line(l);
    }
  });
}
