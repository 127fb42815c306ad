/**
 * Type-level tests of the generated API (compiled by typecheck.test.ts, never run).
 * Lines after `// @ts-expect-error` MUST fail to compile; the word in backticks must
 * appear in the compiler's message, so each line fails for the reason stated.
 */
import type { DmaAllocator, Mmio } from '../../../runtime/index.js';
import {
  CTRL,
  CtrlSpeed,
  Counters,
  RahAsel,
  RctlBsize,
  registers,
  rings,
  StatusSpeed,
  TxContext,
  TxContextPaylenDtypDtyp,
  tx_ring,
  type RxRing,
  type TxRing,
} from '../golden/mini/ts/index.js';

declare const mmio: Mmio;
declare const dma: DmaAllocator;
declare const clock: { nowUs(): number; sleepUs(us: number): Promise<void> };
const regs = registers(mmio);

// What is allowed.
regs.CTRL.modify((c) => c.SLU(1).RST(0).SPEED(CtrlSpeed.S1000));
regs.CTRL.writeFields((c) => c.FD(true).SPEED(CtrlSpeed.S100));
regs.CTRL.setSPEED(CtrlSpeed.S10);
const speed: number = regs.CTRL.getSPEED();
const linkSpeed: StatusSpeed = regs.STATUS.getSPEED();
const icr: number = regs.ICR.readAndClear();
regs.IMC.write(0xffff_ffff);
regs.IMC.writeFields((w) => w.LSC(1).RXT0(1));
regs.IMS.set(CTRL.SLU.mask);
regs.IMS.setFields((w) => w.LSC(1));
regs.ESR.clear(0x1);
regs.MIXED.clearERR();
regs.MIXED.setARM();
regs.MTA.write(3, 0);
regs.RAH.modify(0, (w) => w.AV(1).ASEL(RahAsel.SOURCE));
regs.RCTL.writeFields((w) => w.EN(1).BSIZE(RctlBsize.B2048));
regs.TDBAL.modify((v) => v | 0x80);
const octets: bigint = regs.GORC.readAndClearBig();
const now: number = regs.SYSTIM.read();
regs.TIMINCA.writeBig(1n << 40n);
const totals = new Counters(mmio);
totals.accumulate();
const qprc0: number = totals.QPRC[0];
const tx: TxRing = rings.tx(mmio, dma, { count: 512 });
const rx: RxRing = rings.rx(mmio, dma, { bufferBytes: 2048 });
tx.post(0x1000, 60);
tx.flush();
for (const c of tx.completed()) void c.buffer;
rx.refill(0x2000);
for (const c of rx.completed()) void [c.length, c.eop, c.errors];
tx.txLegacy.setCmdRS(0, true);
tx.txContext.setPaylenDtypDTYP(1, TxContextPaylenDtypDtyp.DATA);
const dtyp: number = new TxContext(tx.region).paylenDtypDTYP(0);
void tx_ring(mmio, clock, { base_lo: 0, base_hi: 0, bytes: 4096, threshold: 15 });
void [speed, linkSpeed, icr, octets, now, qprc0, dtyp];

// What is not.
// @ts-expect-error `write` STATUS is read only: no write
regs.STATUS.write(0);
// @ts-expect-error `modify` STATUS is read only: no modify
regs.STATUS.modify(() => 0);
// @ts-expect-error `read` IMC is write only: no read
regs.IMC.read();
// @ts-expect-error `getLSC` IMC is write only: no field reads
regs.IMC.getLSC();
// @ts-expect-error `3` CTRL.SPEED has no value 3
regs.CTRL.modify((c) => c.SPEED(3));
// @ts-expect-error `7` RCTL.BSIZE is 0..3
regs.RCTL.setBSIZE(7);
// @ts-expect-error `2` RAH.ASEL has DEST and SOURCE only
regs.RAH.writeFields(0, (w) => w.ASEL(2));
// @ts-expect-error `modify` ICR is clear-on-read: no read-modify-write
regs.ICR.modify(() => 0);
// @ts-expect-error `read` ICR's only read is readAndClear
regs.ICR.read();
// @ts-expect-error `getLSC` ICR: a field read would clear the register
regs.ICR.getLSC();
// @ts-expect-error `write` ICR is clear-on-read: no write
regs.ICR.write(0);
// @ts-expect-error `set` ESR is write-1-to-clear: clear, not set
regs.ESR.set(1);
// @ts-expect-error `modify` ESR is write-1-to-clear: no modify
regs.ESR.modify(() => 0);
// @ts-expect-error `clear` IMS is write-1-to-set: set, not clear
regs.IMS.clear(1);
// @ts-expect-error `VME` CTRL.VME is a read-only field: not in the writer
regs.CTRL.modify((c) => c.VME(1));
// @ts-expect-error `setVME` CTRL.VME is a read-only field: no setter
regs.CTRL.setVME(1);
// @ts-expect-error `getKICK` MIXED.KICK is write-only: no getter
regs.MIXED.getKICK();
// @ts-expect-error `write` GORC is a clear-on-read counter: no write
regs.GORC.write(0);
// @ts-expect-error `SPEED` IMS's writer has no CTRL fields
regs.IMS.setFields((w) => w.SPEED(1));
// @ts-expect-error `Expected 2 arguments` MTA is an array: the index comes first
regs.MTA.write(0);
// @ts-expect-error `5` TxContext DTYP is CONTEXT or DATA
tx.txContext.setPaylenDtypDTYP(0, 5);
// @ts-expect-error `fill` a ring's descriptor fill is internal
tx.fill(0, 0, 0, true);
// @ts-expect-error `threshold` tx_ring needs every parameter
void tx_ring(mmio, clock, { base_lo: 0, base_hi: 0, bytes: 4096 });
