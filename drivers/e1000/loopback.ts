/**
 * Loopback for self-tests: transmitted frames come back to the receiver, the wire is
 * ignored.
 *
 * - 'phy': the PHY's own loopback (PHY_CTRL.LOOPBACK, IEEE 802.3 22.2.4.1.2) over MDIC,
 *   with auto-negotiation off and 1000 Mb/s full duplex forced in the PHY and, through
 *   CTRL.FRCSPD/FRCDPLX, in the MAC (8254x SDM §13.4.1), as the link partner is gone.
 *   No RCTL write, so QEMU keeps receiving.
 * - 'mac': RCTL.LBM = 11b, the MAC's loopback mode (8254x SDM §13.4.22). This is an RCTL
 *   write, after which QEMU ignores frames for 1 s: set() waits that out, so frames sent
 *   once it resolves come back.
 * - 'none': undo whichever was on (PHY_CTRL restored with auto-negotiation restarted, the
 *   MAC back to following the PHY via the spec's link_up sequence, then the spec's
 *   wait_link: QEMU takes the link down ~0.5 s to renegotiate; RCTL.LBM = 00b).
 */
import type { LoopbackMode } from '../../runtime/nic.js';
import type { Clock, Mmio } from '../../runtime/types.js';
import { SequenceTimeoutError } from '../../runtime/index.js';
import {
  CtrlSpeed,
  link_up,
  PHY_CTRL,
  RctlLbm,
  wait_link,
  type Registers,
} from './generated/index.js';
import type { Mdio } from './mdio.js';
import type { ReceiveControl } from './receive-control.js';

export class Loopback {
  private current: LoopbackMode = 'none';
  /** PHY_CTRL before PHY loopback, restored after. */
  private savedPhyCtrl = 0;

  constructor(
    private readonly mmio: Mmio,
    private readonly regs: Registers,
    private readonly mdio: Mdio,
    private readonly rctl: ReceiveControl,
    private readonly clock: Clock,
  ) {}

  get mode(): LoopbackMode {
    return this.current;
  }

  async set(mode: LoopbackMode): Promise<void> {
    if (mode === this.current) return;
    if (this.current === 'phy') await this.leavePhy();
    if (this.current === 'mac') await this.setMac(false);
    this.current = 'none';
    if (mode === 'phy') await this.enterPhy();
    if (mode === 'mac') await this.setMac(true);
    this.current = mode;
  }

  private async enterPhy(): Promise<void> {
    this.savedPhyCtrl = await this.mdio.read(PHY_CTRL);
    let v = PHY_CTRL.ANENABLE.set(this.savedPhyCtrl, 0);
    v = PHY_CTRL.SPEED_MSB.set(v, 1); // {MSB, LSB} = 10b: 1000 Mb/s
    v = PHY_CTRL.SPEED_LSB.set(v, 0);
    v = PHY_CTRL.DUPLEX.set(v, 1);
    v = PHY_CTRL.LOOPBACK.set(v, 1);
    await this.mdio.write(PHY_CTRL, v);
    this.regs.CTRL.modify((w) => w.FRCSPD(1).FRCDPLX(1).SPEED(CtrlSpeed.S1000).FD(1).SLU(1));
  }

  private async leavePhy(): Promise<void> {
    let v = PHY_CTRL.LOOPBACK.set(this.savedPhyCtrl, 0);
    const renegotiate = PHY_CTRL.ANENABLE.get(v) === 1;
    if (renegotiate) v = PHY_CTRL.RESTART_AN.set(v, 1);
    await this.mdio.write(PHY_CTRL, v);
    await link_up(this.mmio, this.clock);
    // Auto-negotiation takes the link down for a while (QEMU: about 0.5 s): resolve once it
    // is back, or when wait_link's limit passes (link() then says it is down).
    if (renegotiate)
      await wait_link(this.mmio, this.clock).catch((e: unknown) => {
        if (!(e instanceof SequenceTimeoutError)) throw e;
      });
  }

  /** RCTL.LBM on or off, then wait until QEMU accepts frames again. */
  private async setMac(on: boolean): Promise<void> {
    this.rctl.update((w) => w.LBM(on ? RctlLbm.PHY : RctlLbm.NONE));
    const waitUs = this.rctl.quietUntilUs - this.clock.nowUs();
    if (waitUs > 0) await this.clock.sleepUs(waitUs);
  }
}
