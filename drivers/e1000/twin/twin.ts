/**
 * The e1000 behaviour plugin for the device twin (runtime/sim). It models an 82540EM as
 * the 8254x SDM rev 4.0 describes it (and as QEMU 7.2 behaves where noted), from its own
 * constants — never from the spec — so a spec or driver that gets the hardware wrong
 * fails on the twin as it would on the device.
 *
 * Registers with behaviour are claimed here and follow the hardware whatever the spec
 * says about them; every other register keeps the IR's storage semantics.
 */
import type { RxOutcome, SimContext, SimPlugin } from '../../../runtime/sim/plugin.js';
import type { BarFile } from '../../../runtime/sim/register-file.js';
import {
  CTRL,
  DELAY_MASK,
  EECD,
  ICR,
  MDIC,
  RAH,
  RCTL,
  RDTR,
  RING_INDEX_MASK,
  RING_LENGTH_MASK,
  STATUS,
  TCTL,
} from './bits.js';
import { buildEeprom, eerdAfterWrite, macFromEeprom } from './eeprom.js';
import { ETH } from './ethernet.js';
import { E1000Interrupts } from './interrupts.js';
import {
  DEFAULT_HELD_FRAMES,
  DEFAULT_MAC,
  DEFAULT_NULL_RX_FRAME_BYTES,
  DEFAULT_RCTL_QUIET_US,
  DEFAULT_RESET_DELAY_US,
  E1000_82540EM_DEVICE_ID,
  INTEL_VENDOR_ID,
  parseMac,
  type E1000TwinOptions,
} from './options.js';
import { mdicTransaction, Phy } from './phy.js';
import { REG, STATS_FIRST, STATS_LAST, WORD_BYTES } from './registers.js';
import { RxEngine } from './rx.js';
import { Statistics } from './stats.js';
import { TxEngine } from './tx.js';

const BAR0 = 0;
/** VLAN Ether Type after reset: 802.1Q (QEMU sets it; the SDM leaves it undefined). */
const VET_8021Q = ETH.TYPE_VLAN;

/** What the twin saw that is not in any device register (for tests and the CLI). */
export interface E1000TwinDiagnostics {
  framesSent: number;
  framesDelivered: number;
  /** Received frames dropped, by reason ("no-buffers", "address-filter", ...). */
  drops: Record<string, number>;
  /** Transmitted frames lost because the link was down. */
  txLinkDown: number;
  /** Frames from the wire ignored while in loopback. */
  rxInLoopback: number;
  /** Whether received frames are being held (QEMU's RCTL quirk). */
  holdingRx: boolean;
}

export class E1000Twin implements SimPlugin {
  readonly name = 'e1000';
  readonly eeprom: Uint16Array;
  private readonly phy: Phy;
  private link: boolean;
  private readonly resetModel: 'datasheet' | 'qemu';
  private readonly resetDelayUs: number;
  private readonly nullFrameBytes: number | undefined;
  private txLinkDown = 0;
  private rxInLoopback = 0;
  private ctx!: SimContext;
  private file!: BarFile;
  private irq!: E1000Interrupts;
  private stats!: Statistics;
  private tx!: TxEngine;
  private rx!: RxEngine;

  constructor(private readonly options: E1000TwinOptions = {}) {
    const device = options.deviceId ?? E1000_82540EM_DEVICE_ID;
    const vendor = options.vendorId ?? INTEL_VENDOR_ID;
    this.eeprom = buildEeprom(parseMac(options.mac ?? DEFAULT_MAC), {
      vendor,
      device,
      subsystemVendor: options.subsystemVendorId ?? vendor,
      subsystemDevice: options.subsystemDeviceId ?? device,
    });
    this.link = options.linkUp ?? true;
    this.resetModel = options.resetModel ?? 'datasheet';
    this.resetDelayUs = options.resetDelayUs ?? DEFAULT_RESET_DELAY_US;
    const nullDevice = options.nullDevice;
    this.nullFrameBytes = nullDevice
      ? ((nullDevice === true ? undefined : nullDevice.rxFrameBytes) ?? DEFAULT_NULL_RX_FRAME_BYTES)
      : undefined;
    this.phy = new Phy(() => this.link);
  }

  /** The station address in the EEPROM (what RAL0/RAH0 load at reset). */
  get mac(): Uint8Array {
    return macFromEeprom(this.eeprom);
  }

  attach(ctx: SimContext): void {
    this.ctx = ctx;
    this.file = ctx.regs.bar(BAR0);
    this.irq = new E1000Interrupts(this.file, ctx.clock, () => ctx.signalInterrupt());
    this.stats = new Statistics(this.file);
    const violation = (code: string, message: string) => ctx.violation(code, message);
    this.tx = new TxEngine({
      file: this.file,
      dma: ctx.dma,
      irq: this.irq,
      stats: this.stats,
      emit: (frame) => this.emit(frame),
      violation,
      nullDevice: this.nullFrameBytes !== undefined,
    });
    this.rx = new RxEngine({
      file: this.file,
      dma: ctx.dma,
      irq: this.irq,
      stats: this.stats,
      clock: ctx.clock,
      violation,
      linkUp: () => this.linkUp(),
      nullFrameBytes: this.nullFrameBytes,
      rctlQuietUs: this.options.rctlQuietUs ?? DEFAULT_RCTL_QUIET_US,
      queueFrames: this.options.heldFrames ?? DEFAULT_HELD_FRAMES,
    });
    this.claimGeneral();
    this.claimInterrupts();
    this.claimRings();
    this.claimStatistics();
  }

  powerOn(): void {
    this.phy.reset();
    this.macPowerOnState();
  }

  receive(frame: Uint8Array): RxOutcome {
    if (this.loopback()) {
      // In loopback the receiver hears only its own transmitter.
      this.rxInLoopback++;
      return 'dropped:loopback';
    }
    return this.rx.receive(frame);
  }

  /** Plug or unplug the cable: STATUS.LU and the PHY follow, and ICR.LSC is raised. */
  setLink(up: boolean): void {
    if (up === this.link) return;
    this.link = up;
    this.irq.raise(ICR.LSC);
  }

  diagnostics(): E1000TwinDiagnostics {
    return {
      framesSent: this.tx.framesSent,
      framesDelivered: this.rx.framesDelivered,
      drops: Object.fromEntries(this.rx.drops),
      txLinkDown: this.txLinkDown,
      rxInLoopback: this.rxInLoopback,
      holdingRx: this.rx.quiet,
    };
  }

  close(): void {
    this.irq.reset();
    this.rx.reset();
  }

  // ---- general registers -------------------------------------------------------

  private claimGeneral(): void {
    const c = this.ctx;
    c.claimWrite(BAR0, REG.CTRL, (value) => this.writeCtrl(value));
    c.claimRead(BAR0, REG.STATUS, () => this.status());
    c.claimRead(BAR0, REG.EECD, () => this.file.peek(REG.EECD));
    c.claimWrite(BAR0, REG.EECD, (value) => this.writeEecd(value));
    c.claimRead(BAR0, REG.EERD, () => this.file.peek(REG.EERD));
    c.claimWrite(BAR0, REG.EERD, (value) =>
      this.file.poke(REG.EERD, eerdAfterWrite(this.eeprom, value)),
    );
    c.claimRead(BAR0, REG.MDIC, () => this.file.peek(REG.MDIC));
    c.claimWrite(BAR0, REG.MDIC, (value) => this.writeMdic(value));
    c.claimWrite(BAR0, REG.RCTL, (value) => this.writeRctl(value));
    c.claimWrite(BAR0, REG.TCTL, (value) => {
      // SWXOFF sends one XOFF frame and clears itself; flow control is not modelled.
      this.file.poke(REG.TCTL, value & ~TCTL.SWXOFF);
      this.tx.process();
    });
  }

  /** §13.4.1. RST resets the MAC (or, modelling QEMU, only clears itself). */
  private writeCtrl(value: number): void {
    const previous = this.file.peek(REG.CTRL);
    if (value & CTRL.RST) {
      if (this.resetModel === 'qemu') {
        this.file.poke(REG.CTRL, value & ~CTRL.RST);
      } else {
        this.resetMac();
        this.file.setBits(REG.CTRL, CTRL.RST);
        this.ctx.clock.schedule(this.resetDelayUs, () => this.file.clearBits(REG.CTRL, CTRL.RST));
      }
    } else {
      this.file.poke(REG.CTRL, value);
    }
    // PHY_RST is level-sensitive: the PHY resets when software raises it (§13.4.1).
    if (value & CTRL.PHY_RST && !(previous & CTRL.PHY_RST)) this.phy.reset();
  }

  /** §13.4.2: link, duplex and speed follow the PHY. */
  private status(): number {
    return STATUS.FD | STATUS.SPEED_1000 | (this.linkUp() ? STATUS.LU : 0);
  }

  /** §13.4.3: the EEPROM is present; a request for direct access is granted at once. */
  private writeEecd(value: number): void {
    const kept = value & (EECD.SK | EECD.CS | EECD.DI | EECD.FWE_MASK | EECD.EE_REQ);
    this.file.poke(REG.EECD, kept | EECD.EE_PRES | (value & EECD.EE_REQ ? EECD.EE_GNT : 0));
  }

  /** §13.4.7: one MDIO transaction, finished at once; only PHY address 1 answers. */
  private writeMdic(value: number): void {
    this.file.poke(REG.MDIC, mdicTransaction(this.phy, value));
    if (value & MDIC.I) this.irq.raise(ICR.MDAC);
  }

  /** §13.4.22; every write restarts QEMU's receive pause. */
  private writeRctl(value: number): void {
    this.file.poke(REG.RCTL, value);
    this.rx.rctlWritten();
    this.rx.refillNull();
  }

  // ---- interrupts ----------------------------------------------------------------

  private claimInterrupts(): void {
    const c = this.ctx;
    c.claimRead(BAR0, REG.ICR, () => this.irq.readCauses());
    c.claimWrite(BAR0, REG.ICR, (value) => this.irq.clearCauses(value));
    c.claimWrite(BAR0, REG.ICS, (value) => this.irq.raise(value));
    c.claimRead(BAR0, REG.IMS, () => this.irq.mask);
    c.claimWrite(BAR0, REG.IMS, (value) => this.irq.enable(value));
    c.claimWrite(BAR0, REG.IMC, (value) => this.irq.disable(value));
    for (const offset of [REG.ITR, REG.RADV, REG.TIDV, REG.TADV]) {
      c.claimWrite(BAR0, offset, (value) => this.file.poke(offset, value & DELAY_MASK));
    }
    c.claimWrite(BAR0, REG.RDTR, (value) => {
      this.file.poke(REG.RDTR, value & RDTR.DELAY_MASK);
      if (value & RDTR.FPD) this.irq.flushRxDelay();
    });
  }

  // ---- rings -------------------------------------------------------------------

  private claimRings(): void {
    const c = this.ctx;
    c.claimWrite(BAR0, REG.TDT, (value) => {
      this.file.poke(REG.TDT, value & RING_INDEX_MASK);
      this.tx.process();
    });
    c.claimWrite(BAR0, REG.RDT, (value) => {
      this.file.poke(REG.RDT, value & RING_INDEX_MASK);
      this.rx.refillNull();
    });
    c.claimWrite(BAR0, REG.TDH, (value) =>
      this.writeHead(REG.TDH, value, REG.TCTL, TCTL.EN, 'transmit'),
    );
    c.claimWrite(BAR0, REG.RDH, (value) =>
      this.writeHead(REG.RDH, value, REG.RCTL, RCTL.EN, 'receive'),
    );
    for (const offset of [REG.TDLEN, REG.RDLEN]) {
      c.claimWrite(BAR0, offset, (value) => this.file.poke(offset, value & RING_LENGTH_MASK));
    }
  }

  /**
   * The device owns the head (§13.4.28, §13.4.39): software may set it only while the
   * queue is disabled. The write still lands, as on hardware, but it is recorded.
   */
  private writeHead(
    offset: number,
    value: number,
    control: number,
    enable: number,
    queue: string,
  ): void {
    if (this.file.peek(control) & enable) {
      this.ctx.violation(
        'E1000_HEAD_WRITE',
        `software wrote the ${queue} head (0x${offset.toString(16)}) while the ${queue} unit is enabled; the device owns it`,
        {
          bar: BAR0,
          offset,
          value,
        },
      );
    }
    this.file.poke(offset, value & RING_INDEX_MASK);
  }

  // ---- statistics ----------------------------------------------------------------

  private claimStatistics(): void {
    for (let offset = STATS_FIRST; offset <= STATS_LAST; offset += WORD_BYTES) {
      this.ctx.claimRead(BAR0, offset, (o) => this.stats.read(o));
      this.ctx.claimWrite(BAR0, offset, (value, o) =>
        this.ctx.violation(
          'E1000_COUNTER_WRITE',
          `write to statistics register 0x${o.toString(16)} ignored: counters are read-only and clear on read`,
          {
            bar: BAR0,
            offset: o,
            value,
          },
        ),
      );
    }
  }

  // ---- state -----------------------------------------------------------------------

  private linkUp(): boolean {
    return this.link && !this.phy.poweredDown;
  }

  /** PHY loopback (PHY_CTRL bit 14) or MAC/transceiver loopback (RCTL.LBM != 00b). */
  private loopback(): boolean {
    return (
      this.phy.loopback || ((this.file.peek(REG.RCTL) >>> RCTL.LBM_SHIFT) & RCTL.LBM_MASK) !== 0
    );
  }

  /** A frame leaves the MAC. */
  private emit(frame: Uint8Array): void {
    if (this.loopback()) {
      this.rx.receive(frame);
      return;
    }
    if (!this.linkUp()) {
      this.txLinkDown++;
      return;
    }
    this.ctx.wire.transmit(frame);
  }

  /** CTRL.RST in the datasheet model: registers to reset values, engines idle. */
  private resetMac(): void {
    this.file.reset();
    this.irq.reset();
    this.tx.reset();
    this.rx.reset();
    this.stats.reset();
    this.macPowerOnState();
  }

  /** What the hardware sets by itself after power-on or reset, on top of the IR's reset values. */
  private macPowerOnState(): void {
    const f = this.file;
    f.poke(REG.CTRL, CTRL.SLU | CTRL.FD | CTRL.SPEED_1000);
    f.poke(REG.EECD, EECD.EE_PRES);
    for (const offset of [
      REG.EERD,
      REG.MDIC,
      REG.ICR,
      REG.IMS,
      REG.RCTL,
      REG.TDH,
      REG.TDT,
      REG.RDH,
      REG.RDT,
      REG.TDLEN,
      REG.RDLEN,
    ])
      f.poke(offset, 0);
    f.clearBits(REG.TCTL, TCTL.EN);
    f.poke(REG.VET, VET_8021Q);
    // RAL0/RAH0 are loaded from EEPROM words 0-2 (§13.5.2), valid.
    const mac = this.mac;
    f.poke(REG.RAL0, (mac[0] | (mac[1] << 8) | (mac[2] << 16) | (mac[3] << 24)) >>> 0);
    f.poke(REG.RAH0, (mac[4] | (mac[5] << 8) | RAH.AV) >>> 0);
  }
}

/** A fresh e1000 behaviour plugin, to pass to openSimDevice(). */
export function createE1000Twin(options: E1000TwinOptions = {}): E1000Twin {
  return new E1000Twin(options);
}
