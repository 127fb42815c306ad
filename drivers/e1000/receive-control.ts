/**
 * RCTL, the receive control register (8254x SDM §13.4.22), owned in one place. The driver
 * keeps the value it last wrote (no read-modify-write needed) and writes it as rarely as
 * it can: QEMU 7.2 ignores received frames for 1 s after *any* RCTL write, so bring-up
 * composes the whole value and writes it once, last; later changes (promiscuous, VLAN
 * filter, MAC loopback) write only when a bit actually changes, and record when receive
 * resumes under QEMU.
 */
import type { Clock } from '../../runtime/types.js';
import { RctlLbm, RctlMo, RctlRdmts, RctlWriter, type Registers } from './generated/index.js';
import type { E1000Config } from './config.js';
import { QEMU_RCTL_QUIET_US } from './datasheet.js';

/** Multicast offset the driver uses: destination bits 47:36, the reset choice (§13.4.22). */
export const MULTICAST_OFFSET = RctlMo.BITS_47_36;

export class ReceiveControl {
  private value = 0;
  private readonly writer = new RctlWriter();
  private writes = 0;
  /** Under QEMU, no frame is accepted before this time (µs on the driver's clock). */
  quietUntilUs = 0;

  constructor(
    private readonly regs: Registers,
    private readonly clock: Clock,
  ) {}

  /** The RCTL value bring-up writes (§14.4): everything but what filters change later. */
  static initial(config: E1000Config): number {
    const w = new RctlWriter();
    w.EN(1) // receiver on
      .BAM(1) // accept broadcast (ARP needs it)
      .SECRC(1) // strip the CRC: buffers hold the frame only
      .LPE(config.longPackets ? 1 : 0)
      .BSIZE(config.rxBuffer.bsize)
      .BSEX(config.rxBuffer.bsex)
      .MO(MULTICAST_OFFSET)
      .RDMTS(RctlRdmts.HALF)
      .LBM(RctlLbm.NONE)
      .UPE(config.promiscuous ? 1 : 0)
      .MPE(config.promiscuous ? 1 : 0);
    return w.value >>> 0;
  }

  /** Write `value` to RCTL (bring-up's single write). */
  write(value: number): void {
    this.value = value >>> 0;
    this.regs.RCTL.write(this.value);
    this.writes++;
    this.quietUntilUs = this.clock.nowUs() + QEMU_RCTL_QUIET_US;
  }

  /** Apply `change` to the value last written; write RCTL only if a bit changed. */
  update(change: (w: RctlWriter) => unknown): boolean {
    const w = this.writer;
    w.value = this.value;
    change(w);
    const next = w.value >>> 0;
    if (next === this.value) return false;
    this.write(next);
    return true;
  }

  /** The value last written. */
  get current(): number {
    return this.value;
  }

  /** RCTL writes since the driver started (bring-up's counts one). */
  get writeCount(): number {
    return this.writes;
  }

  /** Forget the value (the device was reset or disabled: RCTL is 0). */
  cleared(): void {
    this.value = 0;
  }
}
