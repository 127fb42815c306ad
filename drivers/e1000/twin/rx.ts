/**
 * The receive engine (8254x SDM rev 4.0 §3.2). A frame from the wire is checked for
 * size (RUC below 64 bytes, ROC above 1522 without RCTL.LPE), filtered (VLAN, then
 * address), stripped of its 802.1Q tag when CTRL.VME, checksummed (RXCSUM), given its
 * CRC back unless RCTL.SECRC, and written into the buffers software posted between RDH
 * and RDT: buffer size from RCTL.BSIZE/BSEX, one descriptor per buffer, EOP on the last.
 * Each descriptor is fetched from host memory when it is used and written back with
 * length, checksum, status (DD last) and errors. No room for the whole frame: dropped,
 * RNBC and MPC count it, ICR.RXO. Then RXT0 (after RDTR/RADV) and RXDMT0 when free
 * descriptors fall to the RCTL.RDMTS threshold.
 *
 * QEMU 7.2 quirk, on by default (rctlQuietUs): for 1 s of virtual time after any RCTL
 * write QEMU does not accept frames; it holds them and delivers them when the time is
 * up. The twin does the same (a bounded queue), so drivers are written to cope with it.
 */
import type { SimClock } from '../../../runtime/sim/clock.js';
import type { RxOutcome } from '../../../runtime/sim/plugin.js';
import type { IovaSpace } from '../../../runtime/sim/iova-space.js';
import { RingWindow } from '../../../runtime/sim/ring-window.js';
import type { BarFile } from '../../../runtime/sim/register-file.js';
import { CTRL, ICR, RCTL, RING_BASE_LOW_MASK, RXCSUM } from './bits.js';
import { crc32, foldSum, onesSum } from './checksum.js';
import { DESC_BYTES, RXD, RXD_ERRORS, RXD_STATUS } from './descriptors.js';
import {
  ETH,
  IPV4,
  TCP_CHECKSUM,
  UDP_CHECKSUM,
  isBroadcast,
  isMulticast,
  readU16BE,
} from './ethernet.js';
import { addressAccepted, vlanAccepted } from './filter.js';
import type { E1000Interrupts } from './interrupts.js';
import { REG, STAT } from './registers.js';
import { RX_RING, type RingRegisters } from './ring-registers.js';
import type { Destination, Statistics } from './stats.js';

const TWO_POW_32 = 2 ** 32;
/** RCTL.BSIZE → bytes, with BSEX = 0 and BSEX = 1 (§13.4.22); BSEX=1/BSIZE=0 is reserved. */
const BUFFER_BYTES = [2048, 1024, 512, 256] as const;
const BUFFER_BYTES_EXTENDED = [0, 16384, 8192, 4096] as const;
const SUM_OK = 0xffff;
/** Room for the longest frame plus the CRC the device may append. */
const WORK_BYTES = ETH.MAX_LONG_FRAME_BYTES + ETH.FCS_BYTES;

export interface RxHost {
  file: BarFile;
  dma: IovaSpace;
  /** Where completions are reported (the e1000's interrupt logic, or a per-queue one). */
  irq: Pick<E1000Interrupts, 'rxFrameDone' | 'raise'>;
  stats: Statistics;
  clock: SimClock;
  /** The ring's registers; the e1000's RDBAL..RDT when absent (one engine per queue). */
  ring?: RingRegisters;
  /**
   * Writes a finished descriptor back in another format than the legacy one (e.g. the
   * 82574L's extended descriptors); the legacy layout (§3.2.3) when absent.
   */
  writeDescriptor?(descIova: number, fields: RxWriteback): void;
  violation(code: string, message: string): void;
  linkUp(): boolean;
  /** Null device: frame size with which every posted buffer is completed at once. */
  nullFrameBytes: number | undefined;
  /** QEMU's refusal window after an RCTL write, in microseconds (0: off). */
  rctlQuietUs: number;
  /** Frames held during that window; more are dropped. */
  queueFrames: number;
}

/** What the device reports for one receive descriptor, whatever its layout. */
export interface RxWriteback {
  length: number;
  /** Packet checksum (RXCSUM.PCSS onwards), last descriptor only. */
  csum: number;
  /** Status bits in the legacy layout (DD, EOP, IXSM, VP, TCPCS, IPCS...). */
  status: number;
  /** Error bits in the legacy layout (CE, SE, SEQ, CXE, TCPE, IPE, RXE). */
  errors: number;
  /** 802.1Q tag control information when stripped. */
  special: number;
}

/** Checksum results for the frame's last descriptor. */
interface ChecksumResult {
  status: number;
  errors: number;
}

export class RxEngine {
  private readonly work = new Uint8Array(WORK_BYTES);
  private readonly workView = new DataView(this.work.buffer);
  private readonly desc = new Uint8Array(DESC_BYTES);
  private readonly descView = new DataView(this.desc.buffer);
  private readonly writeback = new Uint8Array(RXD.WRITEBACK_BYTES);
  private readonly writebackView = new DataView(this.writeback.buffer);
  private readonly fields: RxWriteback = { length: 0, csum: 0, status: 0, errors: 0, special: 0 };
  private readonly regs: RingRegisters;
  /** The ring as RDBAL/RDBAH/RDLEN give it (loadRing()), and in place when it can be. */
  private ringBase = 0;
  private ringCount = 0;
  private readonly window: RingWindow;
  private quietTimer = 0;
  private held: Uint8Array[] = [];
  /** Frames dropped, by reason (twin diagnostics, not device registers). */
  readonly drops = new Map<string, number>();
  framesDelivered = 0;

  constructor(private readonly host: RxHost) {
    this.regs = host.ring ?? RX_RING;
    this.window = new RingWindow(host.dma);
  }

  reset(): void {
    if (this.quietTimer !== 0) this.host.clock.cancel(this.quietTimer);
    this.quietTimer = 0;
    this.held = [];
  }

  /** Software wrote RCTL: QEMU's receive pause starts (again). */
  rctlWritten(): void {
    if (this.host.rctlQuietUs <= 0) return;
    if (this.quietTimer !== 0) this.host.clock.cancel(this.quietTimer);
    this.quietTimer = this.host.clock.schedule(this.host.rctlQuietUs, () => {
      this.quietTimer = 0;
      this.releaseHeld();
      this.refillNull();
    });
  }

  /** Whether frames are being held because of the RCTL quirk. */
  get quiet(): boolean {
    return this.quietTimer !== 0;
  }

  receive(frame: Uint8Array): RxOutcome {
    const rctl = this.host.file.peek(REG.RCTL);
    if (!this.host.linkUp()) return this.drop('link-down');
    if ((rctl & RCTL.EN) === 0) return this.drop('rx-disabled');
    if (this.quiet) {
      if (this.held.length >= this.host.queueFrames) return this.drop('held-queue-full');
      this.held.push(frame.slice());
      return 'queued';
    }
    return this.deliver(frame, rctl);
  }

  /** Null device: complete every posted buffer with a frame, copying nothing. */
  refillNull(): void {
    const bytes = this.host.nullFrameBytes;
    const { file } = this.host;
    if (
      bytes === undefined ||
      this.quiet ||
      !this.host.linkUp() ||
      (file.peek(REG.RCTL) & RCTL.EN) === 0
    )
      return;
    if (!this.loadRing()) return;
    let head = file.peek(this.regs.head);
    const tail = file.peek(this.regs.tail);
    if (head === tail) return;
    let frames = 0;
    while (head !== tail) {
      this.writeBack(head, bytes, 0, RXD_STATUS.DD | RXD_STATUS.EOP | RXD_STATUS.IXSM, 0, 0);
      frames++;
      head = head + 1 === this.ringCount ? 0 : head + 1;
    }
    // Counted once for the lot: the same as frame by frame (the counters saturate alike).
    this.host.stats.rxSeen(bytes + ETH.FCS_BYTES, frames);
    this.host.stats.rxGood(bytes + ETH.FCS_BYTES, 'unicast', frames);
    file.poke(this.regs.head, head);
    this.framesDelivered++;
    this.host.irq.rxFrameDone();
  }

  private releaseHeld(): void {
    const held = this.held;
    this.held = [];
    for (const frame of held) this.receive(frame);
  }

  private deliver(frame: Uint8Array, rctl: number): RxOutcome {
    const { file, stats } = this.host;
    const wireBytes = frame.length + ETH.FCS_BYTES;
    stats.rxSeen(wireBytes);
    const storeBad = (rctl & RCTL.SBP) !== 0;
    if (frame.length < ETH.HEADER_BYTES || (wireBytes < ETH.MIN_FRAME_BYTES && !storeBad)) {
      stats.inc(STAT.RUC);
      return this.drop('undersize');
    }
    const maxBytes = rctl & RCTL.LPE ? ETH.MAX_LONG_FRAME_BYTES : ETH.MAX_FRAME_BYTES;
    if (wireBytes > maxBytes && !(storeBad && wireBytes <= ETH.MAX_LONG_FRAME_BYTES)) {
      stats.inc(STAT.ROC);
      return this.drop('oversize');
    }
    const tagged =
      readU16BE(frame, ETH.TYPE) === (file.peek(REG.VET) & 0xffff) &&
      frame.length >= ETH.HEADER_BYTES + ETH.VLAN_TAG_BYTES;
    const tci = tagged ? readU16BE(frame, ETH.TYPE + 2) : 0;
    if (tagged && !vlanAccepted(file, tci)) return this.drop('vlan-filter');
    if (!addressAccepted(file, frame)) return this.drop('address-filter');

    const strip = tagged && (file.peek(REG.CTRL) & CTRL.VME) !== 0;
    const length = this.copyIn(frame, strip);
    const checksum = this.checksums(length);
    const packetChecksum = foldSum(
      onesSum(this.work, file.peek(REG.RXCSUM) & RXCSUM.PCSS_MASK, length),
    );
    let total = length;
    if ((rctl & RCTL.SECRC) === 0) {
      this.workView.setUint32(length, crc32(this.work, 0, length), true);
      total += ETH.FCS_BYTES;
    }
    const lastStatus = RXD_STATUS.EOP | checksum.status | (strip ? RXD_STATUS.VP : 0);
    const outcome = this.place(total, rctl, {
      status: lastStatus,
      errors: checksum.errors,
      csum: packetChecksum,
      special: strip ? tci : 0,
    });
    if (outcome !== 'delivered') return outcome;
    stats.rxGood(wireBytes, destinationOf(frame));
    this.framesDelivered++;
    this.host.irq.rxFrameDone();
    this.raiseIfLow(rctl);
    return 'delivered';
  }

  /** Copy the frame into the work buffer, removing the 802.1Q tag when stripping. */
  private copyIn(frame: Uint8Array, strip: boolean): number {
    if (!strip) {
      this.work.set(frame, 0);
      return frame.length;
    }
    this.work.set(frame.subarray(0, ETH.TYPE), 0);
    this.work.set(frame.subarray(ETH.TYPE + ETH.VLAN_TAG_BYTES), ETH.TYPE);
    return frame.length - ETH.VLAN_TAG_BYTES;
  }

  /** Write `total` bytes of the work buffer into posted buffers, writing each descriptor back. */
  private place(
    total: number,
    rctl: number,
    last: { status: number; errors: number; csum: number; special: number },
  ): RxOutcome {
    const { file, dma } = this.host;
    if (!this.loadRing()) return this.drop('ring-misconfigured');
    const count = this.ringCount;
    const bufferBytes = this.bufferBytes(rctl);
    let head = file.peek(this.regs.head);
    const tail = file.peek(this.regs.tail);
    if (head >= count || tail >= count) {
      this.host.violation(
        'E1000_RX_RING_RANGE',
        `receive ring indexes out of range: RDH ${head}, RDT ${tail}, ring of ${count} descriptors`,
      );
      return this.drop('ring-misconfigured');
    }
    const free = (tail - head + count) % count;
    if (Math.ceil(total / bufferBytes) > free) return this.overrun();
    let offset = 0;
    let used = 0;
    while (offset < total) {
      if (used === free) return this.overrun(); // null-address descriptors used the room up
      if (!this.fetch(head)) this.desc.fill(0);
      const addr =
        this.descView.getUint32(RXD.ADDR, true) +
        this.descView.getUint32(RXD.ADDR + 4, true) * TWO_POW_32;
      if (addr === 0) {
        // A descriptor without a buffer is skipped: handed back done, empty (§3.2.6).
        this.writeBack(head, 0, 0, RXD_STATUS.DD, 0, 0);
      } else {
        const chunk = Math.min(bufferBytes, total - offset);
        dma.copyIn(addr, this.work, offset, chunk, 'rx-data');
        offset += chunk;
        const isLast = offset >= total;
        this.writeBack(
          head,
          chunk,
          isLast ? last.csum : 0,
          RXD_STATUS.DD | (isLast ? last.status : 0),
          isLast ? last.errors : 0,
          last.special,
        );
      }
      used++;
      head = head + 1 === count ? 0 : head + 1;
      file.poke(this.regs.head, head);
    }
    return 'delivered';
  }

  private descIova(slot: number): number {
    return this.ringBase + slot * DESC_BYTES;
  }

  /** Descriptor `slot` into `desc`; false when the device could not read it. */
  private fetch(slot: number): boolean {
    if (this.window.read(slot, DESC_BYTES, this.descView)) return true;
    return this.host.dma.copyOut(this.descIova(slot), this.desc, 0, DESC_BYTES, 'rx-desc');
  }

  private writeBack(
    slot: number,
    length: number,
    csum: number,
    status: number,
    errors: number,
    special: number,
  ): void {
    if (this.host.writeDescriptor) {
      const f = this.fields;
      f.length = length;
      f.csum = csum;
      f.status = status;
      f.errors = errors;
      f.special = special;
      this.host.writeDescriptor(this.descIova(slot), f);
      return;
    }
    const memory = this.window.memory;
    if (memory !== undefined) {
      // Two little-endian words: length and csum, then status, errors and special.
      const at = this.window.offset + slot * DESC_BYTES;
      const m = memory.view;
      m.setUint32(at + RXD.LENGTH, (length | (csum << 16)) >>> 0, true);
      m.setUint32(at + RXD.STATUS, (status | (errors << 8) | (special << 16)) >>> 0, true);
      return;
    }
    const v = this.writebackView;
    v.setUint16(RXD.LENGTH - RXD.WRITEBACK, length, true);
    v.setUint16(RXD.CSUM - RXD.WRITEBACK, csum, true);
    v.setUint8(RXD.STATUS - RXD.WRITEBACK, status);
    v.setUint8(RXD.ERRORS - RXD.WRITEBACK, errors);
    v.setUint16(RXD.SPECIAL - RXD.WRITEBACK, special, true);
    this.host.dma.copyIn(
      this.descIova(slot) + RXD.WRITEBACK,
      this.writeback,
      0,
      RXD.WRITEBACK_BYTES,
      'rx-writeback',
    );
  }

  private overrun(): RxOutcome {
    this.host.stats.inc(STAT.RNBC);
    this.host.stats.inc(STAT.MPC);
    this.host.irq.raise(ICR.RXO);
    return this.drop('no-buffers');
  }

  /** ICR.RXDMT0 when free descriptors are at or below RCTL.RDMTS of the ring (§13.4.22). */
  private raiseIfLow(rctl: number): void {
    if (!this.loadRing()) return;
    const count = this.ringCount;
    const { file } = this.host;
    const free = (file.peek(this.regs.tail) - file.peek(this.regs.head) + count) % count;
    const shift = ((rctl >> RCTL.RDMTS_SHIFT) & RCTL.RDMTS_MASK) + 1;
    if (free <= count >> shift) this.host.irq.raise(ICR.RXDMT0);
  }

  /**
   * Read the ring's base and size from RDBAL/RDBAH/RDLEN, and open it in place where it can
   * be (RingWindow); false when it has no descriptors.
   */
  private loadRing(): boolean {
    const { file } = this.host;
    this.ringCount = file.peek(this.regs.length) / DESC_BYTES;
    if (this.ringCount === 0) return false;
    const baseLo = file.peek(this.regs.baseLo) & RING_BASE_LOW_MASK;
    const baseHi = file.peek(this.regs.baseHi);
    this.ringBase = baseLo + baseHi * TWO_POW_32;
    this.window.open(baseLo, baseHi, this.ringCount * DESC_BYTES);
    return true;
  }

  private bufferBytes(rctl: number): number {
    const size = (rctl >> RCTL.BSIZE_SHIFT) & RCTL.BSIZE_MASK;
    if ((rctl & RCTL.BSEX) === 0) return BUFFER_BYTES[size];
    if (BUFFER_BYTES_EXTENDED[size] === 0) {
      this.host.violation(
        'E1000_RCTL_BSIZE',
        'RCTL.BSEX = 1 with BSIZE = 00b is reserved; using 2048-byte buffers',
      );
      return BUFFER_BYTES[0];
    }
    return BUFFER_BYTES_EXTENDED[size];
  }

  /** RXCSUM offloads on the (untagged) frame in the work buffer, §3.2.9 and §13.4.47. */
  private checksums(length: number): ChecksumResult {
    const rxcsum = this.host.file.peek(REG.RXCSUM);
    const ipOffload = (rxcsum & RXCSUM.IPOFLD) !== 0;
    const l4Offload = (rxcsum & RXCSUM.TUOFLD) !== 0;
    if (!ipOffload && !l4Offload) return { status: RXD_STATUS.IXSM, errors: 0 };
    const w = this.work;
    let ip = ETH.HEADER_BYTES;
    let type = readU16BE(w, ETH.TYPE);
    if (type === ETH.TYPE_VLAN && length >= ETH.HEADER_BYTES + ETH.VLAN_TAG_BYTES) {
      type = readU16BE(w, ETH.TYPE + ETH.VLAN_TAG_BYTES);
      ip += ETH.VLAN_TAG_BYTES;
    }
    if (
      type !== ETH.TYPE_IPV4 ||
      length < ip + IPV4.MIN_HEADER_BYTES ||
      w[ip] >> 4 !== IPV4.VERSION
    )
      return { status: 0, errors: 0 };
    const headerBytes = (w[ip] & 0xf) * 4;
    const ipEnd = Math.min(length, ip + readU16BE(w, ip + IPV4.TOTAL_LENGTH));
    if (headerBytes < IPV4.MIN_HEADER_BYTES || ip + headerBytes > ipEnd)
      return { status: 0, errors: 0 };
    let status = 0;
    let errors = 0;
    if (ipOffload) {
      status |= RXD_STATUS.IPCS;
      if (foldSum(onesSum(w, ip, ip + headerBytes)) !== SUM_OK) errors |= RXD_ERRORS.IPE;
    }
    const protocol = w[ip + IPV4.PROTOCOL];
    const fragment = (readU16BE(w, ip + IPV4.FLAGS_FRAGMENT) & IPV4.FRAGMENT_MASK) !== 0;
    const l4 = ip + headerBytes;
    const isTcp = protocol === IPV4.PROTO_TCP && ipEnd - l4 > TCP_CHECKSUM + 1;
    const isUdp = protocol === IPV4.PROTO_UDP && ipEnd - l4 > UDP_CHECKSUM + 1;
    // A UDP checksum of 0 means the sender computed none: nothing to check.
    const udpUnchecked = isUdp && readU16BE(w, l4 + UDP_CHECKSUM) === 0;
    if (l4Offload && !fragment && (isTcp || (isUdp && !udpUnchecked))) {
      status |= RXD_STATUS.TCPCS;
      const pseudo = onesSum(
        w,
        ip + IPV4.SRC,
        ip + IPV4.DST + IPV4.ADDR_BYTES,
        protocol + (ipEnd - l4),
      );
      if (foldSum(onesSum(w, l4, ipEnd, pseudo)) !== SUM_OK) errors |= RXD_ERRORS.TCPE;
    }
    return { status, errors };
  }

  private drop(reason: string): RxOutcome {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
    return `dropped:${reason}`;
  }
}

function destinationOf(frame: Uint8Array): Destination {
  if (isBroadcast(frame)) return 'broadcast';
  return isMulticast(frame) ? 'multicast' : 'unicast';
}
