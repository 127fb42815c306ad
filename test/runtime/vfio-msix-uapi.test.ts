/** MSI-X through VFIO: the irq index and the N-eventfd vfio_irq_set, against linux/vfio.h. */
import { describe, expect, it } from 'vitest';
import * as uapi from '../../runtime/vfio/uapi.js';

describe('VFIO MSI-X uapi', () => {
  it('VFIO_PCI_MSIX_IRQ_INDEX is 2 (after INTx 0 and MSI 1)', () => {
    expect([
      uapi.VFIO_PCI_INTX_IRQ_INDEX,
      uapi.VFIO_PCI_MSI_IRQ_INDEX,
      uapi.VFIO_PCI_MSIX_IRQ_INDEX,
    ]).toEqual([0, 1, 2]);
  });

  it('vfio_irq_info for MSI-X asks index 2 and reads the table size', () => {
    const s = uapi.irqInfoStruct(uapi.VFIO_PCI_MSIX_IRQ_INDEX);
    expect([s.buf.length, s.buf.readUInt32LE(0), s.buf.readUInt32LE(8)]).toEqual([16, 16, 2]);
    s.buf.writeUInt32LE(uapi.VFIO_IRQ_INFO_EVENTFD, 4);
    s.buf.writeUInt32LE(5, 12); // the 82574L's five vectors
    expect(s.read()).toEqual({ flags: uapi.VFIO_IRQ_INFO_EVENTFD, count: 5 });
  });

  it('vfio_irq_set triggers five vectors from 0, one eventfd each after the header', () => {
    const fds = [11, 12, 13, 14, 15];
    const b = uapi.irqSetStruct(
      uapi.VFIO_IRQ_SET_DATA_EVENTFD | uapi.VFIO_IRQ_SET_ACTION_TRIGGER,
      uapi.VFIO_PCI_MSIX_IRQ_INDEX,
      fds,
    );
    expect(b.length).toBe(20 + 4 * fds.length);
    const header = [0, 4, 8, 12, 16].map((o) => b.readUInt32LE(o));
    // argsz, flags (DATA_EVENTFD 1<<2 | ACTION_TRIGGER 1<<5), index, start, count
    expect(header).toEqual([40, 0x24, 2, 0, 5]);
    expect(fds.map((_, i) => b.readInt32LE(20 + 4 * i))).toEqual(fds);
  });

  it('the disable call is DATA_NONE | ACTION_TRIGGER with count 0 and no data', () => {
    const b = uapi.irqSetStruct(
      uapi.VFIO_IRQ_SET_DATA_NONE | uapi.VFIO_IRQ_SET_ACTION_TRIGGER,
      uapi.VFIO_PCI_MSIX_IRQ_INDEX,
      [],
      0,
    );
    expect([0, 4, 8, 12, 16].map((o) => b.readUInt32LE(o))).toEqual([20, 0x21, 2, 0, 0]);
  });
});
