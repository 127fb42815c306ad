/**
 * The transmit engine (8254x SDM rev 4.0 §3.3, §3.4). At a TDT write (or when TCTL.EN
 * turns on) the device fetches every descriptor from TDH up to TDT from host memory —
 * so a descriptor written after the tail moved is seen stale — and gathers frames:
 * legacy descriptors (DEXT = 0), TCP/IP context descriptors (checksum set-up) and data
 * descriptors (DEXT = 1, DTYP = 1), several per frame until EOP. At EOP it inserts the
 * requested checksums, the VLAN tag, pads short frames (TCTL.PSP) and sends the frame.
 * Status DD is written back only for descriptors with RS (legacy: also RPS). TDH
 * advances past each descriptor; ICR.TXQE when the ring is empty, TXDW on write-back.
 *
 * A failed buffer read (IOMMU fault) leaves zeros in the frame, which is still sent and
 * still reported done, as QEMU does: DD alone does not prove the data went out.
 * Not modelled: TCP segmentation (TSE is reported as a violation and ignored),
 * collisions and half duplex, flow control.
 */
import type { IovaSpace } from '../../../runtime/sim/iova-space.js';
import { RingWindow } from '../../../runtime/sim/ring-window.js';
import type { BarFile } from '../../../runtime/sim/register-file.js';
import { CTRL, ICR, RING_BASE_LOW_MASK, TCTL } from './bits.js';
import { finishChecksum, onesSum } from './checksum.js';
import {
  DESC_BYTES,
  DTYP_CONTEXT,
  DTYP_DATA,
  DTYP_MASK,
  DTYP_SHIFT,
  EXT_LENGTH_MASK,
  POPTS,
  TUCMD,
  TXCTX,
  TXD,
  TXD_CMD,
  TXD_STATUS,
} from './descriptors.js';
import { ETH, isBroadcast, isMulticast, writeU16BE } from './ethernet.js';
import type { E1000Interrupts } from './interrupts.js';
import { REG } from './registers.js';
import { TX_RING, type RingRegisters } from './ring-registers.js';
import type { Destination, Statistics } from './stats.js';

const TWO_POW_32 = 2 ** 32;
/** Largest frame the twin gathers (the 16 KB the long-packet limit allows). */
const MAX_FRAME_BYTES = ETH.MAX_LONG_FRAME_BYTES;
/** Shortest frame on the wire without FCS; TCTL.PSP pads up to it. */
const MIN_FRAME_NO_FCS = ETH.MIN_FRAME_BYTES - ETH.FCS_BYTES;
/** A checksum computing to 0 is sent as 0xFFFF (same value in ones' complement; UDP needs it). */
const CHECKSUM_ZERO_AS = 0xffff;

export interface TxHost {
  file: BarFile;
  dma: IovaSpace;
  /** Where completions are reported (the e1000's interrupt logic, or a per-queue one). */
  irq: Pick<E1000Interrupts, 'txDescriptorDone' | 'raise'>;
  stats: Statistics;
  /** The ring's registers; the e1000's TDBAL..TDT when absent (one engine per queue). */
  ring?: RingRegisters;
  /** The frame leaves the MAC: to the wire or, in loopback, to the receiver. */
  emit(frame: Uint8Array): void;
  violation(code: string, message: string): void;
  /** Null device: complete descriptors without reading or sending frame data. */
  nullDevice: boolean;
}

/** Checksum set-up from the last context descriptor, §3.3.6. */
interface ChecksumContext {
  ipcss: number;
  ipcso: number;
  ipcse: number;
  tucss: number;
  tucso: number;
  tucse: number;
}

export class TxEngine {
  private readonly desc = new Uint8Array(DESC_BYTES);
  private readonly descView = new DataView(this.desc.buffer);
  private readonly frame = new Uint8Array(MAX_FRAME_BYTES + ETH.VLAN_TAG_BYTES);
  /** Bytes gathered so far for the frame in progress (it may span several TDT writes). */
  private length = 0;
  private inFrame = false;
  private tooLong = false;
  /** POPTS of the frame's first data descriptor. */
  private popts = 0;
  private readonly context: ChecksumContext = {
    ipcss: 0,
    ipcso: 0,
    ipcse: 0,
    tucss: 0,
    tucso: 0,
    tucse: 0,
  };
  private busy = false;
  /** Frames sent since power-on (twin diagnostics, not a device register). */
  framesSent = 0;

  private readonly regs: RingRegisters;
  /** While process() runs: the ring's bus address, and the ring in place when it can be. */
  private ringBase = 0;
  private readonly window: RingWindow;
  /** Null device: a run of sent frames of one size not yet counted (countNullRun()). */
  private nullRunBytes = 0;
  private nullRunFrames = 0;

  constructor(private readonly host: TxHost) {
    this.regs = host.ring ?? TX_RING;
    this.window = new RingWindow(host.dma);
  }

  reset(): void {
    this.length = 0;
    this.inFrame = false;
    this.tooLong = false;
    this.popts = 0;
    Object.assign(this.context, { ipcss: 0, ipcso: 0, ipcse: 0, tucss: 0, tucso: 0, tucse: 0 });
  }

  /** Process descriptors from TDH to TDT (TDT write, or transmitter enabled). */
  process(): void {
    const { file } = this.host;
    if (this.busy || (file.peek(REG.TCTL) & TCTL.EN) === 0) return;
    const regs = this.regs;
    const count = file.peek(regs.length) / DESC_BYTES;
    let head = file.peek(regs.head);
    const tail = file.peek(regs.tail);
    if (head === tail) return;
    if (count === 0 || head >= count || tail >= count) {
      this.host.violation(
        'E1000_TX_RING_RANGE',
        `transmit ring indexes out of range: TDH ${head}, TDT ${tail}, ring of ${count} descriptors (TDLEN ${file.peek(regs.length)})`,
      );
      return;
    }
    const baseLo = file.peek(regs.baseLo) & RING_BASE_LOW_MASK;
    const baseHi = file.peek(regs.baseHi);
    this.ringBase = baseLo + baseHi * TWO_POW_32;
    this.window.open(baseLo, baseHi, count * DESC_BYTES);
    let immediate = false;
    let delayed = false;
    this.busy = true;
    try {
      while (head !== tail) {
        const report = this.handle(head);
        if (report === 'now') immediate = true;
        else if (report === 'delayed') delayed = true;
        head = head + 1 === count ? 0 : head + 1;
        file.poke(regs.head, head);
      }
    } finally {
      this.busy = false;
      this.countNullRun();
    }
    if (immediate || delayed) this.host.irq.txDescriptorDone(!immediate);
    this.host.irq.raise(ICR.TXQE);
  }

  /** One descriptor: fetch, act, write back. Returns how its completion is reported. */
  private handle(slot: number): 'none' | 'now' | 'delayed' {
    // A descriptor the device cannot read is seen as all zeros (the fault is recorded).
    if (!this.fetch(slot)) this.desc.fill(0);
    const cmd = this.desc[TXD.CMD];
    let reportBit = TXD_CMD.RS | TXD_CMD.RPS;
    if (cmd & TXD_CMD.DEXT) {
      const dtyp = (this.desc[TXD.CSO_OR_DTYP] >> DTYP_SHIFT) & DTYP_MASK;
      if (dtyp === DTYP_CONTEXT) {
        this.loadContext(cmd);
        reportBit = TUCMD.RS;
      } else if (dtyp === DTYP_DATA) {
        this.gatherData(cmd);
        reportBit = TXD_CMD.RS;
      } else {
        this.host.violation(
          'E1000_TX_BAD_DTYP',
          `transmit descriptor at 0x${this.descIova(slot).toString(16)} has DEXT with reserved DTYP ${dtyp}; skipped`,
        );
        return 'none';
      }
    } else {
      this.gatherLegacy(cmd);
    }
    if ((cmd & reportBit) === 0) return 'none';
    const status = (this.desc[TXD.STATUS] | TXD_STATUS.DD) & ~(TXD_STATUS.EC | TXD_STATUS.LC);
    this.writeStatus(slot, status);
    return cmd & TXD_CMD.IDE ? 'delayed' : 'now';
  }

  private descIova(slot: number): number {
    return this.ringBase + slot * DESC_BYTES;
  }

  /** Descriptor `slot` into `desc`; false when the device could not read it. */
  private fetch(slot: number): boolean {
    if (this.window.read(slot, DESC_BYTES, this.descView)) return true;
    return this.host.dma.copyOut(this.descIova(slot), this.desc, 0, DESC_BYTES, 'tx-desc');
  }

  private writeStatus(slot: number, status: number): void {
    const memory = this.window.memory;
    if (memory === undefined)
      this.host.dma.writeU8(this.descIova(slot) + TXD.STATUS, status, 'tx-writeback');
    else memory.u8[this.window.offset + slot * DESC_BYTES + TXD.STATUS] = status;
  }

  private loadContext(tucmd: number): void {
    const d = this.desc;
    const v = this.descView;
    Object.assign(this.context, {
      ipcss: d[TXCTX.IPCSS],
      ipcso: d[TXCTX.IPCSO],
      ipcse: v.getUint16(TXCTX.IPCSE, true),
      tucss: d[TXCTX.TUCSS],
      tucso: d[TXCTX.TUCSO],
      tucse: v.getUint16(TXCTX.TUCSE, true),
    });
    if (tucmd & TUCMD.TSE)
      this.host.violation(
        'E1000_TX_TSO',
        'context descriptor asks for TCP segmentation (TSE), which the twin does not model; sent unsegmented',
      );
  }

  private gatherData(cmd: number): void {
    if (!this.inFrame) this.popts = this.desc[TXD.CSS_OR_POPTS];
    if (cmd & TXD_CMD.IC_OR_TSE)
      this.host.violation(
        'E1000_TX_TSO',
        'data descriptor with TSE: TCP segmentation is not modelled; sent unsegmented',
      );
    this.gather(this.descView.getUint32(TXD.LENGTH, true) & EXT_LENGTH_MASK);
    if (cmd & TXD_CMD.EOP) this.finish(cmd, true);
  }

  private gatherLegacy(cmd: number): void {
    if (!this.inFrame) this.popts = 0;
    this.gather(this.descView.getUint16(TXD.LENGTH, true));
    if (cmd & TXD_CMD.EOP) this.finish(cmd, false);
  }

  /** Append the descriptor's buffer to the frame in progress. */
  private gather(bytes: number): void {
    this.inFrame = true;
    if (this.length + bytes > MAX_FRAME_BYTES) {
      this.tooLong = true;
      return;
    }
    if (!this.host.nullDevice && bytes > 0) {
      const addr =
        this.descView.getUint32(TXD.ADDR, true) +
        this.descView.getUint32(TXD.ADDR + 4, true) * TWO_POW_32;
      // Blocked reads leave zeros: the frame still goes out, as QEMU sends it.
      if (!this.host.dma.copyOut(addr, this.frame, this.length, bytes, 'tx-data'))
        this.frame.fill(0, this.length, this.length + bytes);
    }
    this.length += bytes;
  }

  /** EOP: offloads, VLAN tag, padding, then send. `extended` for data descriptors. */
  private finish(cmd: number, extended: boolean): void {
    const { file } = this.host;
    let length = this.length;
    const tooLong = this.tooLong;
    this.length = 0;
    this.inFrame = false;
    this.tooLong = false;
    if (tooLong) {
      this.host.violation(
        'E1000_TX_FRAME_TOO_LONG',
        `transmit frame longer than ${MAX_FRAME_BYTES} bytes dropped`,
      );
      return;
    }
    if ((cmd & TXD_CMD.IFCS) === 0) {
      this.host.violation(
        'E1000_TX_NO_IFCS',
        'frame sent without IFCS: the device appends no Ethernet CRC and a receiver drops it',
      );
    }
    if (this.host.nullDevice) {
      this.countNullFrame(Math.max(length, MIN_FRAME_NO_FCS) + ETH.FCS_BYTES);
      this.framesSent++;
      return;
    }
    if (extended) this.insertOffloadChecksums(length);
    else if (cmd & TXD_CMD.IC_OR_TSE)
      this.insertChecksum(this.desc[TXD.CSS_OR_POPTS], this.desc[TXD.CSO_OR_DTYP], 0, length);
    if (cmd & TXD_CMD.VLE && file.peek(REG.CTRL) & CTRL.VME) length = this.insertVlanTag(length);
    if (file.peek(REG.TCTL) & TCTL.PSP && length < MIN_FRAME_NO_FCS) {
      this.frame.fill(0, length, MIN_FRAME_NO_FCS);
      length = MIN_FRAME_NO_FCS;
    }
    const frame = this.frame.subarray(0, length);
    this.host.stats.txGood(length + ETH.FCS_BYTES, destinationOf(frame));
    this.framesSent++;
    this.host.emit(frame);
  }

  /**
   * Null device: sent frames are counted in runs of one size, each run at once when it
   * ends (a frame of another size, or the end of process()) — as frame by frame, for less.
   */
  private countNullFrame(wireBytes: number): void {
    if (wireBytes !== this.nullRunBytes) this.countNullRun();
    this.nullRunBytes = wireBytes;
    this.nullRunFrames++;
  }

  private countNullRun(): void {
    if (this.nullRunFrames === 0) return;
    this.host.stats.txGood(this.nullRunBytes, 'unicast', this.nullRunFrames);
    this.nullRunFrames = 0;
  }

  private insertOffloadChecksums(length: number): void {
    const c = this.context;
    if (this.popts & POPTS.TXSM) this.insertChecksum(c.tucss, c.tucso, c.tucse, length);
    if (this.popts & POPTS.IXSM) this.insertChecksum(c.ipcss, c.ipcso, c.ipcse, length);
  }

  /**
   * Sum bytes [start, end] (end 0 = to the end of the frame) and store the checksum,
   * big-endian, at `offset`. Software seeds the field first (0 for IP, the pseudo-header
   * sum for TCP/UDP), as §3.3.6 requires.
   */
  private insertChecksum(start: number, offset: number, end: number, length: number): void {
    const stop = end === 0 ? length : Math.min(end + 1, length);
    if (offset + 2 > stop || start >= stop) {
      this.host.violation(
        'E1000_TX_CHECKSUM_RANGE',
        `checksum start ${start}, offset ${offset}, end ${end} do not fit a ${length}-byte frame; not inserted`,
      );
      return;
    }
    const checksum = finishChecksum(onesSum(this.frame, start, stop));
    writeU16BE(this.frame, offset, checksum === 0 ? CHECKSUM_ZERO_AS : checksum);
  }

  /** Insert the 802.1Q tag (VET, then `special`) after the source address, §3.3.3.1. */
  private insertVlanTag(length: number): number {
    const tagAt = ETH.TYPE;
    this.frame.copyWithin(tagAt + ETH.VLAN_TAG_BYTES, tagAt, length);
    writeU16BE(this.frame, tagAt, this.host.file.peek(REG.VET) & 0xffff);
    writeU16BE(this.frame, tagAt + 2, this.descView.getUint16(TXD.SPECIAL, true));
    return length + ETH.VLAN_TAG_BYTES;
  }
}

function destinationOf(frame: Uint8Array): Destination {
  if (frame.length < ETH.ADDR_BYTES) return 'unicast';
  if (isBroadcast(frame)) return 'broadcast';
  return isMulticast(frame) ? 'multicast' : 'unicast';
}
