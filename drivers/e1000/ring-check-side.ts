/**
 * The e1000 twin as a device side of the ring suite (runtime/ring-check): the rings of a
 * spec run against the twin's datasheet model instead of the generic ring model, so a
 * spec that declares a bit or an offset wrongly — RS at bit 2, a wrong tail register —
 * fails here even when it is self-consistent.
 *
 * Everything this side knows about the device comes from the twin's own datasheet
 * constants (8254x SDM rev 4.0), never from the spec: the enable bits (TCTL.EN §13.4.33,
 * RCTL.EN §13.4.22), the head registers it watches, and the written-back descriptor
 * fields it reports (§3.2.3, §3.3.3). The device acts on its own: TX descriptors are
 * processed at the TDT write, RX frames are written when they arrive.
 */
import type { Device as IrDevice, Ring } from '../../spec/ir.js';
import type {
  DeviceSide,
  RxFrameRequest,
  SideEvent,
  SideFactory,
} from '../../runtime/ring-check/device-side.js';
import { simOptions } from '../../runtime/ring-check/sim-options.js';
import { RCTL, TCTL } from './twin/bits.js';
import { DESC_BYTES, RXD, RXD_STATUS, TXD, TXD_STATUS } from './twin/descriptors.js';
import { ETH } from './twin/ethernet.js';
import { openE1000Twin } from './twin/index.js';
import { E1000_82540EM_DEVICE_ID, INTEL_VENDOR_ID } from './twin/options.js';
import { REG } from './twin/registers.js';

const BAR0 = 0;
const TWO_POW_32 = 2 ** 32;
/** The 82545EM copper part, which the spec also names; the twin models both alike. */
const E1000_82545EM_DEVICE_ID = 0x100f;
const DEVICE_IDS = new Set([E1000_82540EM_DEVICE_ID, E1000_82545EM_DEVICE_ID]);
/** RCTL.BSIZE/BSEX encodings by buffer size (§13.4.22). */
const RX_BUFFER_SIZES: ReadonlyArray<[bytes: number, bsize: number, extended: boolean]> = [
  [256, 3, false],
  [512, 2, false],
  [1024, 1, false],
  [2048, 0, false],
  [4096, 3, true],
  [8192, 2, true],
  [16384, 1, true],
];
/** Shortest frame the twin receives (64 on the wire with the FCS) and longest with RCTL.LPE. */
const RX_MIN_FRAME_BYTES = ETH.MIN_FRAME_BYTES - ETH.FCS_BYTES;
const RX_MAX_FRAME_BYTES = ETH.MAX_LONG_FRAME_BYTES - ETH.FCS_BYTES;
/** Received frames span at most this many buffers (enough to exercise end-of-packet chains). */
const RX_MAX_DESCRIPTORS_PER_FRAME = 3;
/** TX frames at least this long go out unpadded (TCTL.PSP pads shorter ones). */
const TX_MIN_FRAME_BYTES = RX_MIN_FRAME_BYTES;
/** Received frames carry a local experimental EtherType (IEEE 802 §9.2.2), broadcast to pass the filters. */
const ETHERTYPE_LOCAL = 0x88b5;
const SOURCE_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
/** A prime stride so consecutive frames' payloads differ. */
const PAYLOAD_STRIDE = 151;

interface QueueRegisters {
  control: number;
  enable: number;
  head: number;
  baseLo: number;
  baseHi: number;
}

export const E1000_TWIN_SIDE: SideFactory = {
  kind: 'e1000-twin',
  supports(ir: IrDevice, ring: Ring): boolean {
    const isE1000 = ir.pci.some((p) => p.vendor === INTEL_VENDOR_ID && DEVICE_IDS.has(p.device));
    // The twin has one queue per direction: one ring each.
    return isE1000 && ir.rings.filter((r) => r.direction === ring.direction).length === 1;
  },
  open(ir: IrDevice, ring: Ring, config: { rxBufferBytes: number }): DeviceSide {
    return new E1000Side(ir, ring, config.rxBufferBytes);
  },
};

class E1000Side implements DeviceSide {
  readonly kind = 'e1000-twin';
  readonly device;
  readonly can;
  private readonly tx: boolean;
  private readonly regs: QueueRegisters;
  private readonly controlValue: number;
  private readonly rxBufferBytes: number;
  private lastHead = 0;
  private readonly pending: SideEvent[] = [];
  private frameNumber = 0;

  constructor(
    ir: IrDevice,
    readonly ring: Ring,
    requestedRxBufferBytes: number,
  ) {
    this.device = openE1000Twin(ir, { rctlQuietUs: 0 }, simOptions()).device;
    this.device.enableBusMaster();
    this.tx = ring.direction === 'tx';
    this.regs = this.tx
      ? { control: REG.TCTL, enable: TCTL.EN, head: REG.TDH, baseLo: REG.TDBAL, baseHi: REG.TDBAH }
      : { control: REG.RCTL, enable: RCTL.EN, head: REG.RDH, baseLo: REG.RDBAL, baseHi: REG.RDBAH };
    const size = rxBufferSize(requestedRxBufferBytes);
    this.rxBufferBytes = size.bytes;
    this.controlValue = this.tx
      ? TCTL.EN | TCTL.PSP
      : RCTL.EN |
        RCTL.BAM |
        RCTL.SECRC |
        RCTL.LPE |
        (size.bsize << RCTL.BSIZE_SHIFT) |
        (size.extended ? RCTL.BSEX : 0);
    this.can = {
      consume: false,
      complete: false,
      late: false,
      txWire: true,
      txMinFrameBytes: TX_MIN_FRAME_BYTES,
      rxFrameBytes: {
        min: RX_MIN_FRAME_BYTES,
        max: Math.min(RX_MAX_FRAME_BYTES, RX_MAX_DESCRIPTORS_PER_FRAME * this.rxBufferBytes),
      },
      rxErrors: false,
    };
  }

  enabled(): boolean {
    return (this.file().peek(this.regs.control) & this.regs.enable) !== 0;
  }

  setEnabled(on: boolean): void {
    // The bring-up writes a driver makes; the ring's own registers are the ring's job (init()).
    this.device
      .bar(BAR0)
      .write32(this.regs.control, on ? this.controlValue : this.controlValue & ~this.regs.enable);
    if (on) this.lastHead = this.head();
  }

  head(): number {
    return this.file().peek(this.regs.head);
  }

  consume(): void {}
  complete(): void {}
  writeLate(): void {}

  receive(frames: readonly RxFrameRequest[]): void {
    for (const f of frames) {
      const bytes = this.frame(f.length);
      const outcome = this.device.receive(bytes);
      if (outcome === 'delivered') this.collectRx(bytes);
      else
        this.pending.push({
          kind: 'rx-dropped',
          length: f.length,
          descriptors: Math.ceil(f.length / this.rxBufferBytes),
        });
    }
  }

  drain(): SideEvent[] {
    const out: SideEvent[] = [];
    if (this.tx) this.collectTx(out);
    out.push(...this.pending.splice(0));
    for (const bytes of this.device.wire.take()) out.push({ kind: 'frame-out', bytes });
    return out;
  }

  close(): void {
    void this.device.close();
  }

  /** TX: every slot the head moved past was processed; DD says whether it was reported. */
  private collectTx(out: SideEvent[]): void {
    const head = this.head();
    while (this.lastHead !== head) {
      const slot = this.lastHead;
      const status = this.device.iova.readU8(this.slotIova(slot) + TXD.STATUS, 'ring-check');
      out.push(
        { kind: 'consumed', slot },
        { kind: 'completed', slot, doneWritten: (status & TXD_STATUS.DD) !== 0 },
      );
      this.lastHead = (slot + 1) % this.count();
    }
  }

  /** RX: the slots a delivered frame filled, read back with the datasheet's layout. */
  private collectRx(frame: Uint8Array): void {
    const head = this.head();
    let offset = 0;
    while (this.lastHead !== head) {
      const slot = this.lastHead;
      const at = this.slotIova(slot);
      const iova = this.device.iova;
      const length = iova.readU16(at + RXD.LENGTH, 'ring-check');
      const status = iova.readU8(at + RXD.STATUS, 'ring-check');
      const errors = iova.readU8(at + RXD.ERRORS, 'ring-check');
      const data = frame.slice(offset, offset + length);
      offset += length;
      const rx = { length, eop: (status & RXD_STATUS.EOP) !== 0, errors, data };
      this.pending.push(
        { kind: 'consumed', slot, rx },
        { kind: 'completed', slot, doneWritten: (status & RXD_STATUS.DD) !== 0 },
      );
      this.lastHead = (slot + 1) % this.count();
    }
  }

  /** A broadcast frame of `length` bytes with a payload no other frame has. */
  private frame(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    const number = this.frameNumber++;
    bytes.fill(0xff, 0, ETH.ADDR_BYTES);
    bytes.set(SOURCE_MAC, ETH.ADDR_BYTES);
    bytes[ETH.TYPE] = ETHERTYPE_LOCAL >> 8;
    bytes[ETH.TYPE + 1] = ETHERTYPE_LOCAL & 0xff;
    for (let i = ETH.HEADER_BYTES; i < length; i++) bytes[i] = (number * PAYLOAD_STRIDE + i) & 0xff;
    return bytes;
  }

  private slotIova(slot: number): number {
    const f = this.file();
    return f.peek(this.regs.baseLo) + f.peek(this.regs.baseHi) * TWO_POW_32 + slot * DESC_BYTES;
  }

  private count(): number {
    return Math.max(1, this.file().peek(this.tx ? REG.TDLEN : REG.RDLEN) / DESC_BYTES);
  }

  private file() {
    return this.device.regs.bar(BAR0);
  }
}

/** The buffer size RCTL can express closest below `bytes` (at least the smallest). */
function rxBufferSize(bytes: number): { bytes: number; bsize: number; extended: boolean } {
  let pick = RX_BUFFER_SIZES[0];
  for (const s of RX_BUFFER_SIZES) if (s[0] <= bytes) pick = s;
  return { bytes: pick[0], bsize: pick[1], extended: pick[2] };
}
