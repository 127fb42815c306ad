/**
 * Transmit checksum offload for IPv4 with TCP or UDP (8254x SDM §3.3.5-3.3.7). The
 * device needs a TCP/IP context descriptor saying where the IP header checksum and the
 * TCP/UDP checksum start, sit and end; the data descriptors of each frame then ask for
 * the insertions with POPTS.IXSM / POPTS.TXSM. Software seeds the fields first (§3.3.6):
 * the IP checksum 0, the TCP/UDP checksum the pseudo-header sum. The context stays in
 * the device until replaced, so a new one is queued only when it would differ.
 *
 * Without offload (config.checksumOffload false) the same checksums are computed in
 * software into the DMA copy, so callers get the same frames either way.
 */
import {
  createIpv4Layout,
  IPV4_CHECKSUM_OFFSET,
  IP_PROTOCOL_TCP,
  parseIpv4,
} from '../../runtime/packet/headers.js';
import {
  foldSum,
  ipv4HeaderChecksum,
  ipv4PseudoHeaderSum,
  l4Checksum,
} from '../../runtime/packet/checksum.js';
import { writeU16 } from '../../runtime/packet/bytes.js';
import type { TxOffload } from '../../runtime/nic.js';
import { TxContextBits, TxContextDtypDtyp, TxDataBits, type TxRing } from './generated/index.js';

/** What one frame gets. */
export const CHECKSUM_NONE = 0;
export const CHECKSUM_HARDWARE = 1;
export const CHECKSUM_SOFTWARE = 2;
export type ChecksumPlan =
  typeof CHECKSUM_NONE | typeof CHECKSUM_HARDWARE | typeof CHECKSUM_SOFTWARE;

/** The checksum end field 0 means "to the end of the packet" (§3.3.6). */
const TO_END_OF_PACKET = 0;
const INCLUSIVE = 1;

export class TxChecksum {
  readonly layout = createIpv4Layout();
  private ip = false;
  private l4 = false;
  // The context last queued to the device (valid until the ring is re-initialised).
  private contextValid = false;
  private ctxIpcss = 0;
  private ctxIpcse = 0;
  private ctxTucss = 0;
  private ctxTucso = 0;
  private ctxTucse = 0;
  private ctxTcp = false;
  /** Frames offloaded to the device, computed in software, and asked for but not IPv4 TCP/UDP. */
  hardwareFrames = 0;
  softwareFrames = 0;
  unsupportedFrames = 0;
  contextDescriptors = 0;

  constructor(readonly hardware: boolean) {}

  /**
   * Decide how `frame` gets the checksums `offload` asks for; fills `layout`. `frameBytes`:
   * the whole frame's length when `frame` is only its first segment.
   */
  plan(frame: Uint8Array, offload: TxOffload, frameBytes = frame.length): ChecksumPlan {
    const wantIp = offload.ipv4 === true;
    const wantL4 = offload.l4 === true;
    if ((!wantIp && !wantL4) || !parseIpv4(frame, this.layout, frameBytes)) {
      if (wantIp || wantL4) this.unsupportedFrames++;
      return CHECKSUM_NONE;
    }
    this.ip = wantIp;
    this.l4 = wantL4 && this.layout.l4ChecksumOffset >= 0;
    if (!this.ip && !this.l4) {
      this.unsupportedFrames++;
      return CHECKSUM_NONE;
    }
    return this.hardware ? CHECKSUM_HARDWARE : CHECKSUM_SOFTWARE;
  }

  /** Whether the planned frame needs a new context descriptor (the device holds another). */
  needsContext(frameBytes: number): boolean {
    const t = this.layout;
    return !(
      this.contextValid &&
      this.ctxIpcss === t.ipOffset &&
      this.ctxIpcse === t.ipOffset + t.ipHeaderBytes - INCLUSIVE &&
      this.ctxTucss === t.l4Offset &&
      this.ctxTucso === this.tucso() &&
      this.ctxTucse === this.tucse(frameBytes) &&
      this.ctxTcp === (t.protocol === IP_PROTOCOL_TCP)
    );
  }

  /** Fill `slot` of `ring` with the planned frame's context descriptor (§3.3.6). */
  writeContext(ring: TxRing, slot: number, frameBytes: number): void {
    const t = this.layout;
    const c = ring.txContext;
    this.ctxIpcss = t.ipOffset;
    this.ctxIpcse = t.ipOffset + t.ipHeaderBytes - INCLUSIVE;
    this.ctxTucss = t.l4Offset;
    this.ctxTucso = this.tucso();
    this.ctxTucse = this.tucse(frameBytes);
    this.ctxTcp = t.protocol === IP_PROTOCOL_TCP;
    this.contextValid = true;
    c.setIpcss(slot, this.ctxIpcss);
    c.setIpcso(slot, t.ipOffset + IPV4_CHECKSUM_OFFSET);
    c.setIpcse(slot, this.ctxIpcse);
    c.setTucss(slot, this.ctxTucss);
    c.setTucso(slot, this.ctxTucso);
    c.setTucse(slot, this.ctxTucse);
    c.setPaylen(slot, 0);
    c.setDtyp(slot, 0);
    c.setDtypDTYP(slot, TxContextDtypDtyp.CONTEXT);
    // No RS here: ring.commit() sets it where the ring's report rule puts it (cmd.RS is the
    // same bit in the context format as in the others).
    c.setCmd(
      slot,
      TxContextBits.cmd.DEXT | TxContextBits.cmd.IP | (this.ctxTcp ? TxContextBits.cmd.TCP : 0),
    );
    c.setStatus(slot, 0);
    c.setHdrlen(slot, 0);
    c.setMss(slot, 0);
    this.contextDescriptors++;
  }

  /** POPTS for the planned frame's first data descriptor (§3.3.7). */
  popts(): number {
    return (this.ip ? TxDataBits.popts.IXSM : 0) | (this.l4 ? TxDataBits.popts.TXSM : 0);
  }

  /**
   * Seed the checksum fields in the frame's DMA copy (headers start at `base` of `dst`)
   * as §3.3.6 asks: IP checksum 0, TCP/UDP checksum = folded pseudo-header sum.
   */
  seed(dst: Uint8Array, base: number, frame: Uint8Array): void {
    const t = this.layout;
    if (this.ip) writeU16(dst, base + t.ipOffset + IPV4_CHECKSUM_OFFSET, 0);
    if (this.l4)
      writeU16(
        dst,
        base + t.l4ChecksumOffset,
        foldSum(ipv4PseudoHeaderSum(frame, t.ipOffset, t.protocol, t.l4Bytes)),
      );
    this.hardwareFrames++;
  }

  /** Compute the asked checksums from `frame` and store them in its DMA copy at `base` of `dst`. */
  insert(dst: Uint8Array, base: number, frame: Uint8Array): void {
    const t = this.layout;
    if (this.ip)
      writeU16(
        dst,
        base + t.ipOffset + IPV4_CHECKSUM_OFFSET,
        ipv4HeaderChecksum(frame, t.ipOffset, t.ipHeaderBytes),
      );
    if (this.l4) writeU16(dst, base + t.l4ChecksumOffset, l4Checksum(frame, t));
    this.softwareFrames++;
  }

  /** The device forgot its context (ring re-initialised or device reset). */
  invalidate(): void {
    this.contextValid = false;
  }

  private tucso(): number {
    return this.layout.l4ChecksumOffset >= 0 ? this.layout.l4ChecksumOffset : 0;
  }

  /** Sum to the end of the IP packet: Ethernet padding after it must not count. */
  private tucse(frameBytes: number): number {
    const end = this.layout.ipEnd;
    return end >= frameBytes ? TO_END_OF_PACKET : end - INCLUSIVE;
  }
}
