/**
 * rings.ts: one class per ring declaration, extending the runtime's DescriptorRing
 * (index bookkeeping, free count, doorbell, completion, checked mode). The generated part
 * is what the spec declares, with every offset and mask a literal: how `on post` fills a
 * slot, the done bit, and for RX the written-back length, end-of-packet and error fields.
 * A TX ring whose `report` bit sits at the same place in every format it accepts may
 * leave that bit clear on some descriptors (RingOptions.reportEvery): its layout names
 * the bit, `fill` takes whether to set it, and `setReport` flips it in a written slot.
 * A `rings` object builds each ring with its descriptor memory: `rings.tx(mmio, dma)`.
 */
import type { DescBitRef, Descriptor, Device, Field, Ring } from '../../spec/ir.js';
import { NicdlError } from '../../spec/errors.js';
import { camel, hex, oneLine, pascal, str, titled } from '../emit.js';
import { descriptorNamed, registerNamed } from '../layout.js';
import { describePost } from '../steps.js';
import { emitFillBody, sharesBytes, type Conditional } from './fill.js';
import { fieldStorage, type FieldType } from './dma.js';
import { DESCRIPTORS_FILE, layoutClass } from './descriptors.js';
import { CONSTRUCTOR_FIELD, offsetLiteral } from './registers.js';
import { TsModule, type TsOptions } from './module.js';

export const RINGS_FILE = 'rings.ts';

export function ringClass(ring: Ring): string {
  return `${pascal(ring.name)}Ring`;
}

export function ringLayoutName(ring: Ring): string {
  return `${ring.name.toUpperCase()}_RING_LAYOUT`;
}

/**
 * The report bit a TX ring may leave clear on some descriptors: the spec's `report` bit,
 * when every format the ring accepts has a bit of that name in a field of that name at
 * the same byte and mask (the ring cannot tell which format a committed slot holds).
 * Undefined otherwise: every descriptor then reports as `on post` and its writer say.
 */
export function batchableReport(ir: Device, ring: Ring): DescBitRef | undefined {
  const r = ring.reportStatus;
  if (ring.direction !== 'tx' || !r) return undefined;
  const formats = ring.formats.length > 0 ? ring.formats : [ring.descriptor];
  for (const f of formats) {
    const d = descriptorNamed(ir, f, `ring ${ring.name}`);
    const field = d.fields.find((x) => x.name === r.field);
    const bit = field?.bits.find((b) => b.name === r.bit);
    if (!field || !bit || field.offset !== r.offset || field.type !== r.type) return undefined;
    if (bitMask(bit) !== r.mask) return undefined;
  }
  return r;
}

function bitMask(b: Field): number {
  return (2 ** (b.msb - b.lsb + 1) - 1) * 2 ** b.lsb;
}

export function generateRings(
  ir: Device,
  options: TsOptions,
): { module: TsModule; exports: string[] } {
  const m = new TsModule(
    RINGS_FILE,
    ir,
    options,
    'Descriptor rings: post, flush, completion, as the spec declares them.',
  );
  const exports: string[] = [];
  for (const ring of ir.rings) {
    exports.push(emitLayout(m, ir, ring));
    exports.push(emitRing(m, ir, ring));
  }
  if (ir.rings.length > 0) exports.push(emitFactory(m, ir));
  return { module: m, exports };
}

function ringRegisters(ir: Device, ring: Ring) {
  const r = ring.registers;
  const regs = {
    baseLo: registerNamed(ir, r.baseLo, `ring ${ring.name}`),
    baseHi: registerNamed(ir, r.baseHi, `ring ${ring.name}`),
    length: registerNamed(ir, r.length, `ring ${ring.name}`),
    head: registerNamed(ir, r.head, `ring ${ring.name}`),
    tail: registerNamed(ir, r.tail, `ring ${ring.name}`),
  };
  const bars = new Set(Object.values(regs).map((x) => x.bar));
  if (bars.size !== 1 || Object.values(regs).some((x) => x.space !== undefined)) {
    throw new NicdlError(
      'E_GEN_UNSUPPORTED',
      `ring ${ring.name}: its five registers must live in one BAR`,
    );
  }
  if (ring.owners.head !== 'device' || ring.owners.tail !== 'driver') {
    throw new NicdlError(
      'E_GEN_UNSUPPORTED',
      `ring ${ring.name}: only "driver owns tail, device owns head" rings are supported`,
    );
  }
  return regs;
}

function emitLayout(m: TsModule, ir: Device, ring: Ring): string {
  const w = m.body;
  const regs = ringRegisters(ir, ring);
  const desc = descriptorNamed(ir, ring.descriptor, `ring ${ring.name}`);
  const name = ringLayoutName(ring);
  const type = m.runtimeType('RingLayout');
  w.gap();
  w.doc(`Ring ${ring.name} as the spec declares it, resolved to numbers.`);
  w.block(
    `export const ${name}: ${type} = {`,
    () => {
      w.line(`name: ${str(ring.name)},`);
      w.line(`direction: ${str(ring.direction)},`);
      w.line(`descriptor: ${str(desc.name)},`);
      w.line(`descriptorBytes: ${desc.size},`);
      const c = ring.count;
      w.line(`count: { min: ${c.min}, max: ${c.max}, step: ${c.step}, default: ${c.default} },`);
      w.line(`alignBytes: ${ring.align},`);
      w.line(`buffer: { default: ${ring.buffer.default}, max: ${ring.buffer.max} },`);
      w.block(
        'registers: {',
        () => {
          for (const key of ['baseLo', 'baseHi', 'length', 'head', 'tail'] as const) {
            w.line(`${key}: ${offsetLiteral(ir, regs[key])}, // ${regs[key].name}`);
          }
        },
        '},',
      );
      w.line(`registerNames: { head: ${str(regs.head.name)}, tail: ${str(regs.tail.name)} },`);
      const report = batchableReport(ir, ring);
      if (report) w.line(`reportBit: ${str(`${report.field}.${report.bit}`)},`);
    },
    '};',
  );
  return name;
}

/** The lvalue holding a bit (u64 fields: the low word; the IR's masks are 32-bit). */
function bitHolder(size: number, ref: { offset: number; type: FieldType }): string {
  const st = fieldStorage('this.', size, ref.offset, ref.type);
  const lv = st.lvalue ?? st.words?.lo;
  if (!lv)
    throw new NicdlError(
      'E_GEN_UNSUPPORTED',
      `a ring's done/eop bit sits in an unaligned field at byte ${ref.offset}`,
    );
  return lv;
}

function emitRing(m: TsModule, ir: Device, ring: Ring): string {
  const w = m.body;
  const regs = ringRegisters(ir, ring);
  const desc = descriptorNamed(ir, ring.descriptor, `ring ${ring.name}`);
  const base = m.runtimeValue('DescriptorRing');
  const mmio = m.runtimeType('Mmio');
  const region = m.runtimeType('DmaRegion');
  const dma = m.runtimeType('DmaAllocator');
  const options = m.runtimeType('RingOptions');
  const cls = ringClass(ring);
  const layout = ringLayoutName(ring);
  const formats = ring.formats.length > 0 ? ring.formats : [ring.descriptor];
  w.gap();
  w.doc(
    titled(
      ring.name,
      ring.doc ? oneLine(ring.doc) : undefined,
      ring.ref,
      `${ring.direction.toUpperCase()} ring`,
    ),
    `Software owns ${regs.tail.name} (the tail: written once per flush, never read back); the device owns ${regs.head.name} ` +
      `(the head: written only by init(), while the ring is disabled). A slot is back when ${ring.done.field}.${ring.done.bit} is set.`,
    `Posting writes ${desc.name}: ${ring.post.map((p) => describePost(desc, p)).join(', ')}.`,
    ...reportDoc(ir, ring, formats),
    `Count ${ring.count.min}..${ring.count.max} step ${ring.count.step} (default ${ring.count.default}), base aligned to ${ring.align} bytes, ` +
      `at most ${ring.buffer.max} bytes per slot.`,
  );
  w.block(`export class ${cls} extends ${base} {`, () => {
    for (const f of formats) {
      const d = descriptorNamed(ir, f, `ring ${ring.name}`);
      m.sibling(DESCRIPTORS_FILE, layoutClass(d, 'read'));
      w.doc(`Codec over this ring's slots as ${d.name} descriptors.`);
      w.line(`${CONSTRUCTOR_FIELD} readonly ${camel(d.name)}: ${layoutClass(d, 'read')};`);
      if (d.writeback) {
        m.sibling(DESCRIPTORS_FILE, layoutClass(d, 'writeback'));
        w.doc(`Codec over this ring's slots as the device writes ${d.name} back.`);
        w.line(
          `${CONSTRUCTOR_FIELD} readonly ${camel(d.name)}Writeback: ${layoutClass(d, 'writeback')};`,
        );
      }
    }
    w.line();
    w.doc(
      'Builds the ring over `region` (aligned and large enough; checked). Call init() before enabling it.',
    );
    w.block(`constructor(mmio: ${mmio}, region: ${region}, options: ${options} = {}) {`, () => {
      w.line(`super(${layout}, mmio, region, options);`);
      for (const f of formats) {
        const d = descriptorNamed(ir, f, `ring ${ring.name}`);
        w.line(`this.${camel(d.name)} = new ${layoutClass(d, 'read')}(region);`);
        if (d.writeback)
          w.line(`this.${camel(d.name)}Writeback = new ${layoutClass(d, 'writeback')}(region);`);
      }
    });
    w.line();
    w.doc(
      "Allocates the ring's descriptor memory from `dma` (count checked first) and builds the ring.",
    );
    w.block(
      `static allocate(mmio: ${mmio}, dma: ${dma}, options: ${options} = {}): ${cls} {`,
      () => {
        w.line(
          `return new ${cls}(mmio, ${base}.allocateRegion(${layout}, dma, options), options);`,
        );
      },
    );
    if (ring.direction === 'rx') emitRxMembers(m, ring, desc.size);
    else emitTxMembers(m, ring, desc.size);
    const report = batchableReport(ir, ring);
    emitFill(m, ring, desc, report);
    emitDone(m, ring.done, desc.size);
    if (report) emitSetReport(m, report, desc.size, formats);
  });
  return cls;
}

/** The class comment's sentence on status reports (TX rings that declare a report bit). */
function reportDoc(ir: Device, ring: Ring, formats: readonly string[]): string[] {
  const r = ring.reportStatus;
  if (ring.direction !== 'tx' || !r) return [];
  const bit = `${r.field}.${r.bit}`;
  if (batchableReport(ir, ring)) {
    return [
      `Status reports: the device writes ${ring.done.field}.${ring.done.bit} back only for descriptors with ${bit}. ` +
        `With reportEvery N the ring sets ${bit} on every Nth descriptor and on the last one each flush hands over ` +
        `(in ${formats.join(', ')} alike), and a slot is back when the reported slot covering it is done.`,
    ];
  }
  return [
    `Status reports: every descriptor carries ${bit} (reportEvery 1 only: not every format the ring accepts ` +
      `has ${bit} at the same place).`,
  ];
}

function emitFill(m: TsModule, ring: Ring, desc: Descriptor, report?: DescBitRef): void {
  const w = m.body;
  const last = ring.direction === 'tx' ? ring.lastOfFrame : undefined;
  const conds: Conditional[] = [];
  if (last) conds.push({ ref: last, flag: 'last', why: 'only on the last descriptor of a frame' });
  if (report)
    conds.push({ ref: report, flag: 'report', why: 'only when the ring asks for a report' });
  const usesLength = ring.post.some((p) => p.source === 'length');
  const usesIova = ring.post.some((p) => p.source === 'buffer');
  const sig =
    `slot: number, ${usesIova ? 'iova' : '_iova'}: number, ${usesLength ? 'length' : '_length'}: number, ` +
    `${last ? 'last' : '_last'}: boolean, ${report ? 'report' : '_report'}: boolean`;
  w.line();
  w.block(`protected fill(${sig}): void {`, () =>
    emitFillBody(m, ring, desc, conds, (ref) => bitHolder(desc.size, ref)),
  );
  if (!usesIova || writebackCoversBuffer(ring, desc)) return;
  w.line();
  const keepSig = sig.replace(/_?iova: number/, '_iovaOfSlot: ArrayLike<number>');
  w.block(`protected override fillKeepingBuffer(${keepSig}): void {`, () =>
    emitFillBody(m, ring, desc, conds, (ref) => bitHolder(desc.size, ref), true),
  );
}

/**
 * Whether the device's write-back may leave something else where `on post` put the
 * buffer address: the descriptor's `writeback` view (e.g. the 82574L's extended RX: RSS
 * hash over the address) places a field over those bytes. A descriptor with one view
 * gives every byte one meaning both ways: the device writes back its own fields (status,
 * length, ...) and never the address, so a slot posted again with the same buffer keeps
 * it (fillKeepingBuffer()).
 */
function writebackCoversBuffer(ring: Ring, desc: Descriptor): boolean {
  const buffers = ring.post.filter((p) => p.source === 'buffer');
  const written = desc.writeback ?? [];
  return buffers.some((b) => written.some((w) => sharesBytes(b, w)));
}

/** setReport: flips the report bit of a written slot (flush, and commit of other formats). */
function emitSetReport(
  m: TsModule,
  report: DescBitRef,
  size: number,
  formats: readonly string[],
): void {
  const w = m.body;
  const holder = bitHolder(size, report);
  const mask = hex(report.mask, 2);
  w.line();
  w.doc(
    `Sets or clears ${report.field}.${report.bit} of written \`slot\`: the same bit in ${formats.join(', ')}.`,
  );
  w.block('protected override setReport(slot: number, on: boolean): void {', () => {
    w.line(`if (on) ${holder} |= ${mask};`);
    w.line(`else ${holder} &= ~${mask};`);
  });
}

function emitDone(m: TsModule, done: DescBitRef, size: number): void {
  const w = m.body;
  const holder = bitHolder(size, done);
  w.line();
  w.block('protected isDone(slot: number): boolean {', () => {
    w.line(`return (${holder} & ${hex(done.mask, 2)}) !== 0; // ${done.field}.${done.bit}`);
  });
  w.line();
  w.block('protected clearDone(slot: number): void {', () => {
    w.line(`${holder} &= ~${hex(done.mask, 2)}; // ${done.field}.${done.bit}`);
  });
}

function emitRxMembers(m: TsModule, ring: Ring, size: number): void {
  const w = m.body;
  const completion = m.runtimeType('RingCompletion');
  const len = ring.lengthField
    ? fieldStorage('this.', size, ring.lengthField.offset, ring.lengthField.type).read
    : undefined;
  const eop = ring.eop
    ? `(${bitHolder(size, ring.eop)} & ${hex(ring.eop.mask, 2)}) !== 0`
    : undefined;
  const errors = ring.errorsField
    ? fieldStorage('this.', size, ring.errorsField.offset, ring.errorsField.type).read
    : undefined;
  w.line();
  w.doc(
    'Posts an empty buffer of `bufferBytes` for the device to fill; false when the ring is full.',
  );
  w.block('refill(iova: number, cookie = 0): boolean {', () =>
    w.line('return this.post(iova, this.bufferBytes, cookie);'),
  );
  w.line();
  w.doc(
    `Bytes the device wrote into completed \`slot\`${ring.lengthField ? ` (${ring.lengthField.field})` : ' (the spec names no length field: the buffer size)'}.`,
  );
  w.block(`receivedLength(${len ? 'slot' : '_slot'}: number): number {`, () =>
    w.line(`return ${len ?? 'this.bufferBytes'};`),
  );
  w.line();
  w.doc(
    `Whether completed \`slot\` ends its frame${ring.eop ? ` (${ring.eop.field}.${ring.eop.bit})` : ' (the spec names no end-of-packet bit: always)'}.`,
  );
  w.block(`isEop(${ring.eop ? 'slot' : '_slot'}: number): boolean {`, () =>
    w.line(ring.eop ? `return ${eop};` : 'return true;'),
  );
  w.line();
  w.doc(
    `Error bits of completed \`slot\`${ring.errorsField ? ` (${ring.errorsField.field}); 0 when none` : ' (the spec names no error field: 0)'}.`,
  );
  w.block(`errorsAt(${errors ? 'slot' : '_slot'}: number): number {`, () =>
    w.line(errors ? `return ${errors};` : 'return 0;'),
  );
  w.line();
  w.block(`override describe(slot: number, out: ${completion}): void {`, () => {
    w.line('super.describe(slot, out);');
    w.line('out.length = this.receivedLength(slot);');
    w.line('out.eop = this.isEop(slot);');
    w.line('out.errors = this.errorsAt(slot);');
  });
}

/** TX: what a completed slot carried, read back from its descriptor. */
function emitTxMembers(m: TsModule, ring: Ring, size: number): void {
  const w = m.body;
  const completion = m.runtimeType('RingCompletion');
  const lengthPost = ring.post.find((p) => p.source === 'length');
  const len = lengthPost
    ? fieldStorage('this.', size, lengthPost.offset, lengthPost.type).read
    : undefined;
  const last = ring.lastOfFrame;
  w.line();
  w.doc(
    `Bytes posted into \`slot\`${lengthPost ? ` (its ${lengthPost.field} field)` : ' (the spec posts no length: 0)'}.`,
  );
  w.block(`postedLength(${len ? 'slot' : '_slot'}: number): number {`, () =>
    w.line(`return ${len ?? '0'};`),
  );
  w.line();
  w.doc(
    `Whether \`slot\` was posted as the last descriptor of its frame${last ? ` (${last.field}.${last.bit})` : ' (no end-of-frame bit: always)'}.`,
  );
  w.block(`isLastOfFrame(${last ? 'slot' : '_slot'}: number): boolean {`, () =>
    w.line(
      last ? `return (${bitHolder(size, last)} & ${hex(last.mask, 2)}) !== 0;` : 'return true;',
    ),
  );
  w.line();
  w.block(`override describe(slot: number, out: ${completion}): void {`, () => {
    w.line('super.describe(slot, out);');
    w.line('out.length = this.postedLength(slot);');
    w.line('out.eop = this.isLastOfFrame(slot);');
  });
}

function emitFactory(m: TsModule, ir: Device): string {
  const w = m.body;
  const mmio = m.runtimeType('Mmio');
  const dma = m.runtimeType('DmaAllocator');
  const options = m.runtimeType('RingOptions');
  w.gap();
  w.doc(
    `Builds each of ${ir.name}'s rings with its descriptor memory from \`dma\`: \`rings.${ir.rings[0].name}(mmio, dma, { count })\`.`,
  );
  w.block(
    'export const rings = {',
    () => {
      for (const r of ir.rings) {
        w.line(
          `${r.name}: (mmio: ${mmio}, dma: ${dma}, options: ${options} = {}): ${ringClass(r)} => ${ringClass(r)}.allocate(mmio, dma, options),`,
        );
      }
    },
    '} as const;',
  );
  return 'rings';
}
