/**
 * The 82574L behaviour plugin for the device twin (runtime/sim), from its own datasheet
 * constants (registers.ts, bits.ts) — never from the spec. What the 82574L does as the
 * 8254x does, it does with the e1000 twin's modules: one transmit engine per queue and
 * one receive engine per queue (each on its own ring registers), the statistics block,
 * the address and VLAN filters, the PHY behind MDIC, the NVM image, the INTx/MSI
 * interrupt logic. What is its own is here: receive-side scaling choosing the receive
 * queue, extended receive descriptors written back (RSS hash, status/errors dword),
 * TARC's queue enable, the 8257x EERD, the GIO master handshake, and MSI-X vectors.
 */
import type { RxOutcome, SimContext, SimPlugin } from '../../../runtime/sim/plugin.js';
import type { BarFile } from '../../../runtime/sim/register-file.js';
import {
  CTRL as E1000_CTRL,
  DELAY_MASK,
  EECD as E1000_EECD,
  ICR as E1000_ICR,
  MDIC,
  RAH,
  RCTL as E1000_RCTL,
  RDTR,
  RING_INDEX_MASK,
  RING_LENGTH_MASK,
  STATUS as E1000_STATUS,
  TCTL,
} from '../../e1000/twin/bits.js';
import { DESC_BYTES, RXD, RXD_STATUS } from '../../e1000/twin/descriptors.js';
import { buildEeprom, macFromEeprom } from '../../e1000/twin/eeprom.js';
import { ETH, IPV4, readU16BE } from '../../e1000/twin/ethernet.js';
import {
  DEFAULT_MAC,
  DEFAULT_RESET_DELAY_US,
  INTEL_VENDOR_ID,
  parseMac,
} from '../../e1000/twin/options.js';
import { mdicTransaction } from '../../e1000/twin/phy.js';
import { STATS_FIRST, STATS_LAST } from '../../e1000/twin/registers.js';
import type { RingRegisters } from '../../e1000/twin/ring-registers.js';
import { RxEngine, type RxWriteback } from '../../e1000/twin/rx.js';
import { Statistics } from '../../e1000/twin/stats.js';
import { TxEngine } from '../../e1000/twin/tx.js';
import {
  CTRL,
  CTRL_EXT,
  EECD,
  MRQ_QUEUE_SHIFT,
  MRQC,
  RFCTL,
  RSS_TYPE,
  RXCSUM,
  RXD_EXT,
  STATUS,
  TARC,
} from './bits.js';
import { eerdAfterWrite } from './eeprom.js';
import { E1000eInterrupts } from './interrupts.js';
import { E1000E_82574L_DEVICE_ID, type E1000eTwinOptions } from './options.js';
import { Phy82574 } from './phy.js';
import { QUEUE_STRIDE, QUEUES, REG, rxRing, STAT_EXTRA, txRing, WORD_BYTES } from './registers.js';
import { Rss, type RssResult } from './rss.js';

const BAR0 = 0;
const VET_8021Q = ETH.TYPE_VLAN;
/** Where the IPv4 identification sits in the IPv4 header (RFC 791). */
const IP_ID_OFFSET = 4;

export interface E1000eTwinDiagnostics {
  /** Frames sent, per transmit queue. */
  framesSent: number[];
  /** Frames written to host memory, per receive queue. */
  framesDelivered: number[];
  /** Frames RSS hashed (type not NONE), per queue it chose. */
  rssHashed: number[];
  /** Received frames dropped, by reason, over both queues. */
  drops: Record<string, number>;
  /** MSI-X messages per vector. */
  vectorMessages: number[];
  txLinkDown: number;
}

export class E1000eTwin implements SimPlugin {
  readonly name = 'e1000e';
  readonly eeprom: Uint16Array;
  private readonly phy: Phy82574;
  private link: boolean;
  private readonly resetModel: 'datasheet' | 'qemu';
  private readonly resetDelayUs: number;
  private txLinkDown = 0;
  private readonly rssHashed = [0, 0];
  private ctx!: SimContext;
  private file!: BarFile;
  private irq!: E1000eInterrupts;
  private stats!: Statistics;
  private rss!: Rss;
  private tx: TxEngine[] = [];
  private rx: RxEngine[] = [];
  /** RSS's verdict on the frame being received (read by the descriptor writer). */
  private current: RssResult | undefined;
  /** The frame being received (its IP identification may be written back). */
  private frameInFlight: Uint8Array | undefined;
  private readonly wb = new Uint8Array(DESC_BYTES);
  private readonly wbView = new DataView(this.wb.buffer);

  constructor(private readonly options: E1000eTwinOptions = {}) {
    const ids = { vendor: INTEL_VENDOR_ID, device: E1000E_82574L_DEVICE_ID };
    this.eeprom = buildEeprom(parseMac(options.mac ?? DEFAULT_MAC), {
      ...ids,
      subsystemVendor: ids.vendor,
      subsystemDevice: ids.device,
    });
    this.link = options.linkUp ?? true;
    this.resetModel = options.resetModel ?? 'datasheet';
    this.resetDelayUs = options.resetDelayUs ?? DEFAULT_RESET_DELAY_US;
    this.phy = new Phy82574(() => this.link);
  }

  get mac(): Uint8Array {
    return macFromEeprom(this.eeprom);
  }

  attach(ctx: SimContext): void {
    this.ctx = ctx;
    this.file = ctx.regs.bar(BAR0);
    this.irq = new E1000eInterrupts(this.file, ctx.clock, () => ctx.signalInterrupt());
    this.irq.setMsix(this.options.msix ?? false);
    this.stats = new Statistics(this.file);
    this.rss = new Rss(this.file);
    const violation = (code: string, message: string) => ctx.violation(code, message);
    for (let q = 0; q < QUEUES; q++) {
      this.tx.push(
        new TxEngine({
          file: this.file,
          dma: ctx.dma,
          irq: this.irq.txQueue(q),
          stats: this.stats,
          ring: txRing(q),
          emit: (f) => this.emit(f),
          violation,
          nullDevice: false,
        }),
      );
      this.rx.push(
        new RxEngine({
          file: this.file,
          dma: ctx.dma,
          irq: this.irq.rxQueue(q),
          stats: this.stats,
          clock: ctx.clock,
          ring: rxRing(q),
          writeDescriptor: (iova, fields) => this.writeDescriptor(q, iova, fields),
          violation,
          linkUp: () => this.linkUp(),
          nullFrameBytes: undefined,
          rctlQuietUs: 0, // QEMU's e1000e keeps receiving across RCTL writes
          queueFrames: 0,
        }),
      );
    }
    this.claimGeneral();
    this.claimInterrupts();
    this.claimRings();
    this.claimStatistics();
  }

  powerOn(): void {
    this.phy.reset();
    this.powerOnState();
  }

  receive(frame: Uint8Array): RxOutcome {
    if (this.loopback()) return 'dropped:loopback';
    return this.deliver(frame);
  }

  /** Plug or unplug the cable: STATUS.LU and the PHY follow, and ICR.LSC is raised. */
  setLink(up: boolean): void {
    if (up === this.link) return;
    this.link = up;
    this.irq.raise(E1000_ICR.LSC);
  }

  /** Enable or disable MSI-X, as software does in PCI configuration space. */
  setMsix(on: boolean): void {
    this.irq.setMsix(on);
  }

  /** The interrupt source of MSI-X vector `n`. */
  vector(n: number): { wait(timeoutMs: number): Promise<number>; readonly signalled: number } {
    return this.irq.vector(n);
  }

  diagnostics(): E1000eTwinDiagnostics {
    const drops: Record<string, number> = {};
    for (const engine of this.rx)
      for (const [reason, n] of engine.drops) drops[reason] = (drops[reason] ?? 0) + n;
    return {
      framesSent: this.tx.map((e) => e.framesSent),
      framesDelivered: this.rx.map((e) => e.framesDelivered),
      rssHashed: [...this.rssHashed],
      drops,
      vectorMessages: Array.from(this.irq.messages),
      txLinkDown: this.txLinkDown,
    };
  }

  close(): void {
    this.irq.reset();
    for (const engine of this.rx) engine.reset();
  }

  // ---- receive --------------------------------------------------------------------

  /** RSS picks the queue (when on), then that queue's engine filters and stores the frame. */
  private deliver(frame: Uint8Array): RxOutcome {
    const rss = this.rssEnabled() ? this.rss.classify(frame) : undefined;
    const queue = rss?.queue ?? 0;
    if (rss && rss.type !== RSS_TYPE.NONE) this.rssHashed[queue]++;
    this.current = rss;
    this.frameInFlight = frame;
    try {
      return this.rx[queue].receive(frame);
    } finally {
      this.current = undefined;
      this.frameInFlight = undefined;
    }
  }

  /** RSS runs with MRQC.MRQE = RSS, extended descriptors and RXCSUM.PCSD (as QEMU requires). */
  private rssEnabled(): boolean {
    const f = this.file;
    return (
      (f.peek(REG.MRQC) & MRQC.MRQE_MASK) === MRQC.MRQE_RSS &&
      (f.peek(REG.RFCTL) & RFCTL.EXTEN) !== 0 &&
      (f.peek(REG.RXCSUM) & RXCSUM.PCSD) !== 0
    );
  }

  /** Write one receive descriptor back: extended layout with RFCTL.EXTEN, else legacy. */
  private writeDescriptor(queue: number, descIova: number, f: RxWriteback): void {
    const v = this.wbView;
    this.wb.fill(0);
    if ((this.file.peek(REG.RFCTL) & RFCTL.EXTEN) === 0) {
      // Legacy layout (as the 8254x): bytes 8-15 only, the buffer address stays.
      const at = RXD.WRITEBACK;
      v.setUint16(RXD.LENGTH, f.length, true);
      v.setUint16(RXD.CSUM, f.csum, true);
      v.setUint8(RXD.STATUS, f.status);
      v.setUint8(RXD.ERRORS, f.errors);
      v.setUint16(RXD.SPECIAL, f.special, true);
      this.ctx.dma.copyIn(descIova + at, this.wb, at, RXD.WRITEBACK_BYTES, 'rx-writeback');
      return;
    }
    let status = f.status;
    const eop = (status & RXD_STATUS.EOP) !== 0;
    if (eop) {
      const rss = this.current;
      if (this.file.peek(REG.RXCSUM) & RXCSUM.PCSD) {
        if (rss && rss.type !== RSS_TYPE.NONE) {
          v.setUint32(RXD_EXT.MRQ, (rss.type | (queue << MRQ_QUEUE_SHIFT)) >>> 0, true);
          v.setUint32(RXD_EXT.RSS_HASH, rss.hash, true);
        }
      } else {
        const ipId = this.ipIdentification();
        if (ipId >= 0) {
          v.setUint16(RXD_EXT.IP_ID, ipId, true);
          status |= RXD_EXT.STATUS_IPIDV;
        }
        v.setUint16(RXD_EXT.CSUM, f.csum, true);
      }
    }
    v.setUint32(RXD_EXT.STATUS_ERROR, (status | (f.errors << RXD_EXT.ERRORS_SHIFT)) >>> 0, true);
    v.setUint16(RXD_EXT.LENGTH, f.length, true);
    v.setUint16(RXD_EXT.VLAN, f.special, true);
    this.ctx.dma.copyIn(descIova, this.wb, 0, this.wb.length, 'rx-writeback');
  }

  /** The IPv4 identification of the frame being received, or -1 (not IPv4). */
  private ipIdentification(): number {
    const frame = this.frameInFlight;
    if (
      !frame ||
      frame.length < ETH.HEADER_BYTES + IPV4.MIN_HEADER_BYTES ||
      readU16BE(frame, ETH.TYPE) !== ETH.TYPE_IPV4
    )
      return -1;
    return readU16BE(frame, ETH.HEADER_BYTES + IP_ID_OFFSET);
  }

  // ---- general registers ----------------------------------------------------------

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
    c.claimWrite(BAR0, REG.MDIC, (value) => {
      this.file.poke(REG.MDIC, mdicTransaction(this.phy, value));
      if (value & MDIC.I) this.irq.raise(E1000_ICR.MDAC);
    });
    c.claimWrite(BAR0, REG.CTRL_EXT, (value) =>
      this.file.poke(REG.CTRL_EXT, value & ~(CTRL_EXT.ASDCHK | CTRL_EXT.EE_RST)),
    );
    c.claimWrite(BAR0, REG.TCTL, (value) => {
      this.file.poke(REG.TCTL, value & ~TCTL.SWXOFF);
      for (let q = 0; q < QUEUES; q++) this.transmit(q);
    });
  }

  /** RST resets the MAC (datasheet) or only clears itself (QEMU); PHY_RST resets the PHY. */
  private writeCtrl(value: number): void {
    const previous = this.file.peek(REG.CTRL);
    if (value & E1000_CTRL.RST) {
      if (this.resetModel === 'qemu') {
        this.file.poke(REG.CTRL, value & ~E1000_CTRL.RST);
      } else {
        this.resetMac();
        this.file.setBits(REG.CTRL, E1000_CTRL.RST);
        this.ctx.clock.schedule(this.resetDelayUs, () =>
          this.file.clearBits(REG.CTRL, E1000_CTRL.RST),
        );
      }
    } else {
      this.file.poke(REG.CTRL, value);
    }
    if (value & E1000_CTRL.PHY_RST && !(previous & E1000_CTRL.PHY_RST)) this.phy.reset();
  }

  /** Link follows the PHY; GIO_MASTER_EN drops once software disabled master requests. */
  private status(): number {
    const gio = this.file.peek(REG.CTRL) & CTRL.GIO_MASTER_DISABLE ? 0 : STATUS.GIO_MASTER_EN;
    return (
      (E1000_STATUS.FD | E1000_STATUS.SPEED_1000 | (this.linkUp() ? E1000_STATUS.LU : 0) | gio) >>>
      0
    );
  }

  private writeEecd(value: number): void {
    const kept = value & (E1000_EECD.SK | E1000_EECD.CS | E1000_EECD.DI | E1000_EECD.EE_REQ);
    this.file.poke(
      REG.EECD,
      kept |
        E1000_EECD.EE_PRES |
        EECD.AUTO_RD |
        (value & E1000_EECD.EE_REQ ? E1000_EECD.EE_GNT : 0),
    );
  }

  // ---- interrupts -------------------------------------------------------------------

  private claimInterrupts(): void {
    const c = this.ctx;
    const base = this.irq.base;
    c.claimRead(BAR0, REG.ICR, () => base.readCauses());
    c.claimWrite(BAR0, REG.ICR, (value) => base.clearCauses(value));
    c.claimWrite(BAR0, REG.ICS, (value) => this.irq.raise(value));
    c.claimRead(BAR0, REG.IMS, () => base.mask);
    c.claimWrite(BAR0, REG.IMS, (value) => this.irq.enable(value));
    c.claimWrite(BAR0, REG.IMC, (value) => base.disable(value));
    for (const offset of [REG.ITR, REG.RADV, REG.TADV])
      c.claimWrite(BAR0, offset, (value) => this.file.poke(offset, value & DELAY_MASK));
    c.claimWrite(BAR0, REG.RDTR, (value) => {
      this.file.poke(REG.RDTR, value & RDTR.DELAY_MASK);
      if (value & RDTR.FPD) base.flushRxDelay();
    });
    // TIDV.FPD (bit 31) is write-only, like RDTR's; the flush itself is not modelled.
    c.claimWrite(BAR0, REG.TIDV, (value) => this.file.poke(REG.TIDV, value & DELAY_MASK));
  }

  // ---- rings ----------------------------------------------------------------------------

  private claimRings(): void {
    const c = this.ctx;
    for (let q = 0; q < QUEUES; q++) {
      const t = txRing(q);
      const r = rxRing(q);
      c.claimWrite(BAR0, t.tail, (value) => {
        this.file.poke(t.tail, value & RING_INDEX_MASK);
        this.transmit(q);
      });
      c.claimWrite(BAR0, r.tail, (value) => this.file.poke(r.tail, value & RING_INDEX_MASK));
      c.claimWrite(BAR0, t.head, (value) =>
        this.writeHead(t, value, REG.TCTL, TCTL.EN, `transmit queue ${q}`),
      );
      c.claimWrite(BAR0, r.head, (value) =>
        this.writeHead(r, value, REG.RCTL, E1000_RCTL.EN, `receive queue ${q}`),
      );
      for (const offset of [t.length, r.length])
        c.claimWrite(BAR0, offset, (value) => this.file.poke(offset, value & RING_LENGTH_MASK));
    }
  }

  /** Queue `q` transmits only while TARC[q].ENABLE is set (QEMU requires it too). */
  private transmit(q: number): void {
    if (this.file.peek(REG.TARC0 + q * QUEUE_STRIDE) & TARC.ENABLE) this.tx[q].process();
  }

  /** The device owns the head: a write while the unit is enabled lands but is recorded. */
  private writeHead(
    ring: RingRegisters,
    value: number,
    control: number,
    enable: number,
    queue: string,
  ): void {
    if (this.file.peek(control) & enable) {
      this.ctx.violation(
        'E1000E_HEAD_WRITE',
        `software wrote the ${queue} head (0x${ring.head.toString(16)}) while the unit is enabled; the device owns it`,
        {
          bar: BAR0,
          offset: ring.head,
          value,
        },
      );
    }
    this.file.poke(ring.head, value & RING_INDEX_MASK);
  }

  // ---- statistics -------------------------------------------------------------------

  private claimStatistics(): void {
    const c = this.ctx;
    const refuse = (value: number, o: number) =>
      c.violation(
        'E1000E_COUNTER_WRITE',
        `write to statistics register 0x${o.toString(16)} ignored: counters are read-only and clear on read`,
        { bar: BAR0, offset: o, value },
      );
    for (let offset = STATS_FIRST; offset <= STATS_LAST; offset += WORD_BYTES) {
      c.claimRead(BAR0, offset, (o) => this.stats.read(o));
      c.claimWrite(BAR0, offset, refuse);
    }
    for (const offset of Object.values(STAT_EXTRA)) {
      c.claimRead(BAR0, offset, (o) => {
        const value = this.file.peek(o);
        this.file.poke(o, 0);
        return value;
      });
      c.claimWrite(BAR0, offset, refuse);
    }
  }

  // ---- state -----------------------------------------------------------------------

  private linkUp(): boolean {
    return this.link && !this.phy.poweredDown;
  }

  private loopback(): boolean {
    return (
      this.phy.loopback ||
      ((this.file.peek(REG.RCTL) >>> E1000_RCTL.LBM_SHIFT) & E1000_RCTL.LBM_MASK) !== 0
    );
  }

  private emit(frame: Uint8Array): void {
    if (this.loopback()) {
      this.deliver(frame);
      return;
    }
    if (!this.linkUp()) {
      this.txLinkDown++;
      return;
    }
    this.ctx.wire.transmit(frame);
  }

  private resetMac(): void {
    this.file.reset();
    this.irq.reset();
    for (const engine of this.tx) engine.reset();
    for (const engine of this.rx) engine.reset();
    this.stats.reset();
    this.powerOnState();
  }

  /** What the hardware sets by itself after power-on or reset, on top of the IR's reset values. */
  private powerOnState(): void {
    const f = this.file;
    f.poke(REG.CTRL, E1000_CTRL.SLU | E1000_CTRL.FD | E1000_CTRL.SPEED_1000);
    f.poke(REG.EECD, E1000_EECD.EE_PRES | EECD.AUTO_RD);
    f.poke(REG.VET, VET_8021Q);
    for (let q = 0; q < QUEUES; q++) f.poke(REG.TARC0 + q * QUEUE_STRIDE, TARC.RESET);
    const mac = this.mac;
    f.poke(REG.RAL0, (mac[0] | (mac[1] << 8) | (mac[2] << 16) | (mac[3] << 24)) >>> 0);
    f.poke(REG.RAH0, (mac[4] | (mac[5] << 8) | RAH.AV) >>> 0);
  }
}

/** A fresh 82574L behaviour plugin, to pass to openSimDevice(). */
export function createE1000eTwin(options: E1000eTwinOptions = {}): E1000eTwin {
  return new E1000eTwin(options);
}
