/**
 * MSI-X through VFIO: one eventfd per vector (VFIO_DEVICE_SET_IRQS on
 * VFIO_PCI_MSIX_IRQ_INDEX with DATA_EVENTFD | ACTION_TRIGGER and N fds, start 0).
 * vfio-pci enables the function's MSI-X capability as part of that call, and allows one
 * of INTx, MSI, MSI-X at a time: a device uses either VfioInterrupts or these vectors.
 *
 * MSI-X is edge-triggered: nothing to unmask. Each vector's eventfd is non-blocking and
 * polled, as VfioInterrupts polls its own, so a wait never ties up a libuv thread.
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
  VFIO_IRQ_SET_DATA_EVENTFD,
  VFIO_IRQ_SET_DATA_NONE,
  VFIO_PCI_MSIX_IRQ_INDEX,
  irqInfoStruct,
  irqSetStruct,
} from './uapi.js';

const POLL_INTERVAL_MS = 1;

/** MSI-X vectors the device offers through VFIO (its table size), 0 if none. */
export function msixVectorCount(deviceFd: number, address: string): number {
  const info = irqInfoStruct(VFIO_PCI_MSIX_IRQ_INDEX);
  ioctlChecked(deviceFd, VFIO_DEVICE_GET_IRQ_INFO, info.buf, 'VFIO_DEVICE_GET_IRQ_INFO', address);
  const { flags, count } = info.read();
  return flags & VFIO_IRQ_INFO_EVENTFD ? count : 0;
}

/** One MSI-X vector's eventfd. */
class MsixVector implements InterruptSource {
  /** Interrupts this vector delivered since enabled (what wait() has returned, summed). */
  delivered = 0;
  private closed = false;

  constructor(
    readonly eventFd: number,
    private readonly address: string,
  ) {}

  async wait(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.closed) return 0;
      const n = native().eventfdRead(this.eventFd);
      if (n > 0) {
        this.delivered += n;
        return n;
      }
      if (n < 0 && -n !== osConstants.errno.EAGAIN)
        throw ioctlError('eventfd read', -n, this.address);
      if (Date.now() >= deadline) return 0;
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }

  /** The fd is owned by VfioMsix, which closes it after disconnecting every vector. */
  close(): void {
    this.closed = true;
  }
}

export class VfioMsix {
  private closed = false;

  private constructor(
    private readonly deviceFd: number,
    readonly vectors: readonly MsixVector[],
  ) {}

  /**
   * Vectors 0..count-1 each to a new eventfd; undefined when the device has fewer than
   * `count` MSI-X vectors (or none).
   */
  static enable(deviceFd: number, count: number, address: string): VfioMsix | undefined {
    if (!Number.isInteger(count) || count < 1) return undefined;
    if (msixVectorCount(deviceFd, address) < count) return undefined;
    const fds: number[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const efd = native().eventfd(0);
        if (efd < 0) throw ioctlError('eventfd', -efd, address);
        fds.push(efd);
      }
      const set = irqSetStruct(
        VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
        VFIO_PCI_MSIX_IRQ_INDEX,
        fds,
      );
      ioctlChecked(deviceFd, VFIO_DEVICE_SET_IRQS, set, 'VFIO_DEVICE_SET_IRQS (MSI-X)', address);
    } catch (e) {
      fds.forEach(closeQuietly);
      throw e;
    }
    return new VfioMsix(
      deviceFd,
      fds.map((fd) => new MsixVector(fd, address)),
    );
  }

  /** Disable MSI-X (count 0 with DATA_NONE), then close every vector's eventfd. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const off = irqSetStruct(
      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
      VFIO_PCI_MSIX_IRQ_INDEX,
      [],
      0,
    );
    native().ioctl(this.deviceFd, VFIO_DEVICE_SET_IRQS, off);
    for (const v of this.vectors) {
      v.close();
      closeQuietly(v.eventFd);
    }
  }
}
