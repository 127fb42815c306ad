/**
 * The RxMeta that receive() hands its callback with each frame: one object per queue,
 * reused from frame to frame (the callback copies what it keeps, as the NicDriver
 * contract says). Length, errors and descriptors are stored per frame; the checksum
 * verdict is judged when the callback first reads it. Where the device computed no
 * checksum (IXSM: offload off, or an emulator such as QEMU's e1000 that ignores RXCSUM)
 * judging means checking the frame in software, and a forwarder or a counter that never
 * asks should not pay for that on every frame (with 64-byte IPv4/UDP frames on the null
 * twin, two thirds of a receive: bench/README.md).
 */
import type { ChecksumStatus, RxMeta } from '../../runtime/nic.js';
import type { ChecksumVerdict, RxChecksum } from './rx-checksum.js';

/** The frame being delivered, from its first slot, length and descriptor count. */
export type FrameLookup = (slot: number, length: number, descriptors: number) => Uint8Array;

export class RxFrameMeta implements RxMeta {
  length = 0;
  errors = 0;
  descriptors = 0;
  /** The frame's last descriptor's status byte, which the verdict is judged from. */
  status = 0;
  /** The frame's first slot: with length and descriptors, how frameOf() finds the frame. */
  slot = 0;
  /** 1 while `verdict` holds this frame's verdict; 0 again for each new frame. */
  judged = 0;
  private readonly verdict: ChecksumVerdict = { ip: 'none', l4: 'none' };

  constructor(
    /** The queue number reported as RxMeta.queue. */
    readonly queue: number,
    private readonly checksum: RxChecksum,
    private readonly frameOf: FrameLookup,
  ) {}

  get ipChecksum(): ChecksumStatus {
    if (this.judged === 0) this.judge();
    return this.verdict.ip;
  }

  get l4Checksum(): ChecksumStatus {
    if (this.judged === 0) this.judge();
    return this.verdict.l4;
  }

  /** The getters are on the prototype: JSON and copies see the verdict through this. */
  toJSON(): RxMeta {
    return {
      length: this.length,
      errors: this.errors,
      ipChecksum: this.ipChecksum,
      l4Checksum: this.l4Checksum,
      queue: this.queue,
      descriptors: this.descriptors,
    };
  }

  private judge(): void {
    const frame = this.frameOf(this.slot, this.length, this.descriptors);
    this.checksum.judge(this.status, this.errors, frame, this.verdict);
    this.judged = 1;
  }
}
