/**
 * A tiny driver that takes everything from an IR — register offsets by name, the rings'
 * `on post` assignments, their done/eop/length fields — and nothing from the datasheet.
 * Run against the twin (which knows only the datasheet), it shows whether a spec is right:
 * a spec with RS at the wrong bit posts descriptors whose completion never comes back.
 */
import {
  parseIr,
  type Device as IrDevice,
  type DeviceInput,
  type Ring,
} from '../../../../spec/ir.js';
import type { DmaRegion } from '../../../../runtime/types.js';
import type { Twin } from './harness.js';

function offsetOf(ir: IrDevice, name: string): number {
  const r = ir.registers.find((x) => x.name === name && x.space === undefined);
  if (!r) throw new Error(`the IR declares no register ${name}`);
  return r.offset;
}

function ring(ir: IrDevice, direction: 'tx' | 'rx'): Ring {
  const r = ir.rings.find((x) => x.direction === direction);
  if (!r) throw new Error(`the IR has no ${direction} ring`);
  return r;
}

function store(view: DataView, at: number, type: string, value: number): void {
  if (type === 'u8') view.setUint8(at, value);
  else if (type === 'u16') view.setUint16(at, value, true);
  else if (type === 'u32') view.setUint32(at, value, true);
  else {
    view.setUint32(at, value % 2 ** 32, true);
    view.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
  }
}

function load(view: DataView, at: number, type: string): number {
  if (type === 'u8') return view.getUint8(at);
  if (type === 'u16') return view.getUint16(at, true);
  return view.getUint32(at, true);
}

export interface IrRing {
  slots: DmaRegion;
  count: number;
  descBytes: number;
  tail: number;
  /** Fill the tail slot as the spec's `on post` says, then advance the tail (no doorbell). */
  post(bufferIova: number, length: number): number;
  doorbell(): void;
  done(slot: number): boolean;
}

function openRing(t: Twin, ir: IrDevice, direction: 'tx' | 'rx', count: number): IrRing {
  const r = ring(ir, direction);
  const desc = ir.descriptors.find((d) => d.name === r.descriptor)!;
  const slots = t.dev.dma.alloc(count * desc.size, r.align);
  const view = new DataView(slots.u8.buffer);
  t.wr(offsetOf(ir, r.registers.baseLo), slots.iova % 2 ** 32);
  t.wr(offsetOf(ir, r.registers.baseHi), Math.floor(slots.iova / 2 ** 32));
  t.wr(offsetOf(ir, r.registers.length), count * desc.size);
  t.wr(offsetOf(ir, r.registers.head), 0);
  t.wr(offsetOf(ir, r.registers.tail), 0);
  const self: IrRing = {
    slots,
    count,
    descBytes: desc.size,
    tail: 0,
    post(bufferIova, length) {
      const base = self.tail * desc.size;
      for (const a of r.post)
        store(
          view,
          base + a.offset,
          a.type,
          a.source === 'buffer' ? bufferIova : a.source === 'length' ? length : (a.value ?? 0),
        );
      const slot = self.tail;
      self.tail = (self.tail + 1) % count;
      return slot;
    },
    doorbell() {
      t.wr(offsetOf(ir, r.registers.tail), self.tail);
    },
    done(slot) {
      return (load(view, slot * desc.size + r.done.offset, r.done.type) & r.done.mask) !== 0;
    },
  };
  return self;
}

export function openIrTx(t: Twin, ir: IrDevice, count = 8): IrRing {
  return openRing(t, ir, 'tx', count);
}

/** RX ring with every slot but one handed to the device. */
export function openIrRx(
  t: Twin,
  ir: IrDevice,
  bufferBytes: number,
  count = 8,
): IrRing & { buffers: DmaRegion[]; length(slot: number): number; eop(slot: number): boolean } {
  const r = ring(ir, 'rx');
  const base = openRing(t, ir, 'rx', count);
  const buffers = Array.from({ length: count }, () => t.dev.dma.alloc(bufferBytes));
  for (let i = 0; i < count - 1; i++) base.post(buffers[i].iova, bufferBytes);
  base.doorbell();
  const view = new DataView(base.slots.u8.buffer);
  return {
    ...base,
    buffers,
    length: (slot) =>
      load(view, slot * base.descBytes + r.lengthField!.offset, r.lengthField!.type),
    eop: (slot) =>
      (load(view, slot * base.descBytes + r.eop!.offset, r.eop!.type) & r.eop!.mask) !== 0,
  };
}

const LEGACY_TX_CMD = { EOP: 1 << 0, IFCS: 1 << 1, IC: 1 << 2, RS: 1 << 3 };

/**
 * The parts of e1000.nicdl a driver needs for one TX and one RX ring, hand-written as
 * IR (until the front end lowers the real spec). `rsBit` lets a test plant the classic
 * mistake of declaring RS at bit 2.
 */
export function ringsIr(rsBit = 3): IrDevice {
  const reg = (name: string, offset: number) => ({
    name,
    offset,
    width: 32 as const,
    access: 'rw' as const,
  });
  const bitRef = (field: string, bit: string, offset: number, mask: number) => ({
    field,
    bit,
    offset,
    type: 'u8' as const,
    mask,
  });
  const input: DeviceInput = {
    irVersion: 1,
    name: 'e1000',
    source: { file: 'ir-driver fixture', hash: '0' },
    pci: [{ vendor: 0x8086, device: 0x100e }],
    bars: [{ index: 0, kind: 'mmio', size: 128 * 1024 }],
    constants: [],
    registers: [
      reg('RCTL', 0x0100),
      reg('TCTL', 0x0400),
      reg('RDBAL', 0x2800),
      reg('RDBAH', 0x2804),
      reg('RDLEN', 0x2808),
      reg('RDH', 0x2810),
      reg('RDT', 0x2818),
      reg('TDBAL', 0x3800),
      reg('TDBAH', 0x3804),
      reg('TDLEN', 0x3808),
      reg('TDH', 0x3810),
      reg('TDT', 0x3818),
    ],
    descriptors: [
      {
        name: 'TxLegacy',
        size: 16,
        fields: [
          { name: 'addr', offset: 0, type: 'u64' },
          { name: 'length', offset: 8, type: 'u16' },
          {
            name: 'cmd',
            offset: 11,
            type: 'u8',
            bits: [
              { name: 'EOP', lsb: 0, msb: 0 },
              { name: 'IFCS', lsb: 1, msb: 1 },
              { name: 'RS', lsb: rsBit, msb: rsBit },
            ],
          },
          { name: 'status', offset: 12, type: 'u8', bits: [{ name: 'DD', lsb: 0, msb: 0 }] },
        ],
      },
      {
        name: 'RxLegacy',
        size: 16,
        fields: [
          { name: 'addr', offset: 0, type: 'u64' },
          { name: 'length', offset: 8, type: 'u16' },
          {
            name: 'status',
            offset: 12,
            type: 'u8',
            bits: [
              { name: 'DD', lsb: 0, msb: 0 },
              { name: 'EOP', lsb: 1, msb: 1 },
            ],
          },
          { name: 'errors', offset: 13, type: 'u8' },
        ],
      },
    ],
    rings: [
      {
        name: 'tx',
        direction: 'tx',
        descriptor: 'TxLegacy',
        formats: ['TxLegacy'],
        registers: { baseLo: 'TDBAL', baseHi: 'TDBAH', length: 'TDLEN', head: 'TDH', tail: 'TDT' },
        owners: { head: 'device', tail: 'driver' },
        count: { min: 8, max: 65528, step: 8, default: 256 },
        align: 128,
        buffer: { default: 2048, max: 16288 },
        done: bitRef('status', 'DD', 12, 1),
        lastOfFrame: bitRef('cmd', 'EOP', 11, LEGACY_TX_CMD.EOP),
        reportStatus: bitRef('cmd', 'RS', 11, 1 << rsBit),
        post: [
          { field: 'addr', source: 'buffer', offset: 0, type: 'u64' },
          { field: 'length', source: 'length', offset: 8, type: 'u16' },
          {
            field: 'cmd',
            source: 'const',
            value: LEGACY_TX_CMD.EOP | LEGACY_TX_CMD.IFCS | (1 << rsBit),
            offset: 11,
            type: 'u8',
          },
          { field: 'status', source: 'const', value: 0, offset: 12, type: 'u8' },
        ],
      },
      {
        name: 'rx',
        direction: 'rx',
        descriptor: 'RxLegacy',
        formats: ['RxLegacy'],
        registers: { baseLo: 'RDBAL', baseHi: 'RDBAH', length: 'RDLEN', head: 'RDH', tail: 'RDT' },
        owners: { head: 'device', tail: 'driver' },
        count: { min: 8, max: 65528, step: 8, default: 256 },
        align: 128,
        buffer: { default: 2048, max: 16384 },
        done: bitRef('status', 'DD', 12, 1),
        eop: bitRef('status', 'EOP', 12, 2),
        lengthField: { field: 'length', offset: 8, type: 'u16' },
        errorsField: { field: 'errors', offset: 13, type: 'u8' },
        post: [
          { field: 'addr', source: 'buffer', offset: 0, type: 'u64' },
          { field: 'status', source: 'const', value: 0, offset: 12, type: 'u8' },
        ],
      },
    ],
    sequences: [],
  };
  return parseIr(input);
}
