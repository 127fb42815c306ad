/**
 * Device interrupts delivered to an eventfd (VFIO_DEVICE_SET_IRQS). MSI when the device
 * offers it, else legacy INTx. INTx is level-triggered: VFIO masks it when it fires, and
 * it is unmasked at the start of the next wait(), after the driver has read the cause
 * register and so lowered the line (unmasking earlier would fire again at once).
 *
 * The eventfd is non-blocking and polled, so a wait never ties up a libuv thread.
 */
import { constants as osConstants } from 'node:os';
import { native } from '../native.js';
import type { InterruptSource } from '../types.js';
import { ioctlError } from './errors.js';
import { closeQuietly, ioctlChecked } from './fds.js';
import {
  VFIO_DEVICE_GET_IRQ_INFO,
  VFIO_DEVICE_SET_IRQS,
  VFIO_IRQ_INFO_EVENTFD,
  VFIO_IRQ_SET_ACTION_TRIGGER,
  VFIO_IRQ_SET_ACTION_UNMASK,
  VFIO_IRQ_SET_DATA_EVENTFD,
  VFIO_IRQ_SET_DATA_NONE,
  VFIO_PCI_INTX_IRQ_INDEX,
  VFIO_PCI_MSI_IRQ_INDEX,
  irqInfoStruct,
  irqSetStruct,
} from './uapi.js';

const POLL_INTERVAL_MS = 1;

function irqCount(deviceFd: number, index: number, address: string): number {
  const info = irqInfoStruct(index);
  ioctlChecked(deviceFd, VFIO_DEVICE_GET_IRQ_INFO, info.buf, 'VFIO_DEVICE_GET_IRQ_INFO', address);
  const { flags, count } = info.read();
  return flags & VFIO_IRQ_INFO_EVENTFD ? count : 0;
}

export class VfioInterrupts implements InterruptSource {
  private pendingUnmask = false;
  private closed = false;

  private constructor(
    private readonly deviceFd: number,
    private readonly eventFd: number,
    /** VFIO_PCI_MSI_IRQ_INDEX or VFIO_PCI_INTX_IRQ_INDEX. */
    readonly index: number,
    private readonly address: string,
  ) {}

  /** Route the device's first interrupt vector to a new eventfd; undefined if it has none. */
  static enable(deviceFd: number, address: string): VfioInterrupts | undefined {
    const index =
      irqCount(deviceFd, VFIO_PCI_MSI_IRQ_INDEX, address) > 0
        ? VFIO_PCI_MSI_IRQ_INDEX
        : VFIO_PCI_INTX_IRQ_INDEX;
    if (index === VFIO_PCI_INTX_IRQ_INDEX && irqCount(deviceFd, index, address) === 0)
      return undefined;
    const efd = native().eventfd(0);
    if (efd < 0) throw ioctlError('eventfd', -efd, address);
    try {
      const set = irqSetStruct(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, index, [
        efd,
      ]);
      ioctlChecked(deviceFd, VFIO_DEVICE_SET_IRQS, set, 'VFIO_DEVICE_SET_IRQS (trigger)', address);
    } catch (e) {
      closeQuietly(efd);
      throw e;
    }
    return new VfioInterrupts(deviceFd, efd, index, address);
  }

  async wait(timeoutMs: number): Promise<number> {
    if (this.pendingUnmask) this.unmask();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.closed) return 0;
      const n = native().eventfdRead(this.eventFd);
      if (n > 0) {
        this.pendingUnmask = this.index === VFIO_PCI_INTX_IRQ_INDEX;
        return n;
      }
      if (n < 0 && -n !== osConstants.errno.EAGAIN)
        throw ioctlError('eventfd read', -n, this.address);
      if (Date.now() >= deadline) return 0;
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }

  private unmask(): void {
    this.pendingUnmask = false;
    const set = irqSetStruct(
      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
      this.index,
      [],
      1,
    );
    ioctlChecked(
      this.deviceFd,
      VFIO_DEVICE_SET_IRQS,
      set,
      'VFIO_DEVICE_SET_IRQS (unmask)',
      this.address,
    );
  }

  /** Disconnect the interrupt (count 0 with DATA_NONE disables it) and close the eventfd. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const off = irqSetStruct(
      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
      this.index,
      [],
      0,
    );
    native().ioctl(this.deviceFd, VFIO_DEVICE_SET_IRQS, off);
    closeQuietly(this.eventFd);
  }
}
