/**
 * Type-level tests of e1000's generated API (drivers/e1000/generated), the way the driver
 * uses it. Lines after `// @ts-expect-error` MUST fail to compile, for the reason whose
 * keyword is in backticks (checked by typecheck.test.ts).
 */
import type { DmaAllocator, Mmio } from '../../../runtime/index.js';
import {
  Counters,
  IMS,
  RctlBsize,
  registers,
  rings,
  TxContextDtypDtyp,
  TxLegacyBits,
} from '../../../drivers/e1000/generated/index.js';

declare const mmio: Mmio;
declare const dma: DmaAllocator;
const regs = registers(mmio);

// What the driver does.
regs.IMC.write(0xffff_ffff);
regs.CTRL.modify((c) => c.SLU(1).ASDE(1).RST(0));
regs.RCTL.writeFields((w) => w.EN(1).BAM(1).BSIZE(RctlBsize.B2048).SECRC(1));
const causes: number = regs.ICR.readAndClear();
regs.IMS.set(IMS.LSC.mask | IMS.RXT0.mask);
const up: 0 | 1 = regs.STATUS.getLU();
regs.RAH.modify(0, (w) => w.AV(1));
const stats = new Counters(mmio);
stats.accumulate();
const goodOctets: number = stats.GORC;
const tx = rings.tx(mmio, dma, { count: 512 });
tx.init();
tx.post(0x1000, 60);
tx.flush();
for (const done of tx.completed()) void done.cookie;
const rx = rings.rx(mmio, dma, { count: 256, bufferBytes: 2048 });
rx.refill(0x2000);
tx.txLegacy.setCmd(0, TxLegacyBits.cmd.EOP | TxLegacyBits.cmd.RS);
tx.txContext.setDtypDTYP(0, TxContextDtypDtyp.CONTEXT);
void [causes, up, goodOctets, rx];

// What it cannot do.
// @ts-expect-error `write` STATUS is read only
regs.STATUS.write(0);
// @ts-expect-error `read` IMC is write only
regs.IMC.read();
// @ts-expect-error `modify` ICR is clear-on-read: no read-modify-write
regs.ICR.modify(() => 0);
// @ts-expect-error `read` ICR's only read is the destructive readAndClear
regs.ICR.read();
// @ts-expect-error `4` RCTL.BSIZE is 0..3
regs.RCTL.writeFields((w) => w.BSIZE(4));
// @ts-expect-error `3` CTRL.SPEED has no value 3
regs.CTRL.setSPEED(3);
// @ts-expect-error `clear` IMS is write-1-to-set
regs.IMS.clear(1);
// @ts-expect-error `write` GORC is a clear-on-read counter
regs.GORC.write(0);
// @ts-expect-error `SLU` TCTL's writer has only TCTL's fields
regs.TCTL.modify((w) => w.SLU(1));
// @ts-expect-error `head` rings never expose a way to write the head register
tx.head = 0;
