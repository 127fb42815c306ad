/**
 * A PCI device opened through VFIO: BARs mapped as Mmio, config space, bus mastering,
 * DMA through the IOMMU, interrupts on an eventfd. close() — and the process hooks on
 * signals and crashes — stop the device's DMA before the memory it targets goes away:
 * interrupts off, bus mastering off, DMA unmapped from the IOMMU and the process, BARs
 * detached (later accesses throw), fds closed, then the device handed back to its kernel
 * driver when nicdl bound it for this process.
 */
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { isErrno, native } from '../native.js';
import type { Device, InterruptSource, PciIdentity } from '../types.js';
import {
  ConfigSpace,
  PCI_COMMAND_MASTER,
  PCI_COMMAND_MEMORY,
  type ConfigWidth,
} from './config-space.js';
import type { VfioContainer } from './container.js';
import type { DmaPool } from './dma-pool.js';
import { closedError, ioctlError } from './errors.js';
import { closeQuietly } from './fds.js';
import type { VfioGroup } from './group.js';
import { VfioInterrupts } from './interrupts.js';
import { BarMmio } from './mmio.js';
import { VfioMsix } from './msix.js';
import { trackOpenDevice, untrackOpenDevice } from './process-hooks.js';
import { deviceInfo, regionInfo } from './regions.js';
import {
  VFIO_DEVICE_FLAGS_RESET,
  VFIO_DEVICE_RESET,
  VFIO_PCI_BAR5_REGION_INDEX,
  VFIO_REGION_INFO_FLAG_MMAP,
} from './uapi.js';

export interface VfioDeviceParts {
  identity: PciIdentity;
  container: VfioContainer;
  group: VfioGroup;
  deviceFd: number;
  config: ConfigSpace;
  dma: DmaPool;
  /** Runs last in close(), after every fd is closed (e.g. rebind the kernel driver). */
  afterClose?: () => void;
  /** Install SIGINT/SIGTERM/crash hooks while open (default true). */
  processHooks?: boolean;
}

export class VfioDevice implements Device {
  readonly backend = 'vfio';
  readonly identity: PciIdentity;
  readonly dma: DmaPool;
  private readonly bars = new Map<number, BarMmio>();
  private irq: VfioInterrupts | null | undefined;
  private msix: VfioMsix | undefined;
  private closed = false;

  constructor(private readonly parts: VfioDeviceParts) {
    this.identity = parts.identity;
    this.dma = parts.dma;
    if (parts.processHooks ?? true) trackOpenDevice(this);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  bar(index: number): BarMmio {
    this.assertOpen(`bar(${index})`);
    const cached = this.bars.get(index);
    if (cached) return cached;
    const label = `BAR${index} of ${this.identity.address}`;
    if (!Number.isInteger(index) || index < 0 || index > VFIO_PCI_BAR5_REGION_INDEX) {
      throw new NicdlError(
        'E_NO_BAR',
        `${this.identity.address} has no BAR ${index} (0-5)`,
        ExitCode.usage,
      );
    }
    const region = regionInfo(this.parts.deviceFd, index, this.identity.address);
    if (region.size === 0)
      throw new NicdlError('E_NO_BAR', `${label} is not implemented by the device`, ExitCode.usage);
    if (!(region.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
      throw new NicdlError(
        'E_NO_BAR',
        `${label} cannot be memory-mapped (an I/O port BAR?)`,
        ExitCode.unsupported,
      );
    }
    const buffer = native().mmapFd(this.parts.deviceFd, region.offset, region.size, true);
    if (isErrno(buffer)) throw ioctlError(`mmap ${label}`, -buffer, this.identity.address);
    // Memory decoding must be on for BAR accesses to reach the device.
    this.parts.config.setCommandBits(PCI_COMMAND_MEMORY, true);
    const mmio = new BarMmio(buffer, label);
    this.bars.set(index, mmio);
    return mmio;
  }

  configRead(offset: number, width: ConfigWidth): number {
    this.assertOpen('configRead');
    return this.parts.config.read(offset, width);
  }

  configWrite(offset: number, width: ConfigWidth, value: number): void {
    this.assertOpen('configWrite');
    this.parts.config.write(offset, width, value);
  }

  enableBusMaster(): void {
    this.assertOpen('enableBusMaster');
    this.parts.config.setCommandBits(PCI_COMMAND_MASTER, true);
  }

  quiesce(): void {
    if (this.closed) return;
    this.parts.config.setCommandBits(PCI_COMMAND_MASTER, false);
  }

  /**
   * The device's interrupt on an eventfd (MSI, else INTx), or undefined if it has none or
   * MSI-X vectors are in use (vfio-pci allows one interrupt mode at a time).
   */
  interrupts(): InterruptSource | undefined {
    this.assertOpen('interrupts');
    if (this.msix) return undefined;
    if (this.irq === undefined)
      this.irq = VfioInterrupts.enable(this.parts.deviceFd, this.identity.address) ?? null;
    return this.irq ?? undefined;
  }

  /**
   * MSI-X vectors 0..count-1, one eventfd each; undefined when the device has fewer, or
   * interrupts() already set up MSI/INTx. Asking again with the same count returns the
   * same sources.
   */
  interruptVectors(count: number): InterruptSource[] | undefined {
    this.assertOpen('interruptVectors');
    if (this.msix) return this.msix.vectors.length === count ? [...this.msix.vectors] : undefined;
    if (this.irq) return undefined;
    this.msix = VfioMsix.enable(this.parts.deviceFd, count, this.identity.address);
    return this.msix ? [...this.msix.vectors] : undefined;
  }

  /** Function-level reset through VFIO; false when the device offers no reset method. */
  reset(): boolean {
    this.assertOpen('reset');
    if (!(deviceInfo(this.parts.deviceFd, this.identity.address).flags & VFIO_DEVICE_FLAGS_RESET))
      return false;
    const r = native().ioctl(this.parts.deviceFd, VFIO_DEVICE_RESET);
    if (r < 0) throw ioctlError('VFIO_DEVICE_RESET', -r, this.identity.address);
    return true;
  }

  async close(): Promise<void> {
    const errors = this.release();
    if (errors.length) {
      const first = errors[0];
      throw first instanceof NicdlError
        ? first
        : new NicdlError(
            'E_CLOSE',
            `closing ${this.identity.address}: ${String((first as Error).message ?? first)}`,
            ExitCode.deviceFault,
          );
    }
  }

  /** close() for the process hooks: same steps, never throws. */
  closeSync(): void {
    this.release();
  }

  /** Every step runs even when an earlier one fails; the errors are returned. */
  private release(): unknown[] {
    if (this.closed) return [];
    const errors: unknown[] = [];
    const step = (fn: () => void) => {
      try {
        fn();
      } catch (e) {
        errors.push(e);
      }
    };
    step(() => this.irq?.close());
    step(() => this.msix?.close());
    step(() => this.quiesce());
    this.closed = true;
    step(() => this.dma.close());
    for (const mmio of this.bars.values()) step(() => mmio.unmap());
    this.bars.clear();
    closeQuietly(this.parts.deviceFd);
    this.parts.group.close();
    this.parts.container.close();
    untrackOpenDevice(this);
    if (this.parts.afterClose) step(this.parts.afterClose);
    return errors;
  }

  private assertOpen(what: string): void {
    if (this.closed) throw closedError(this.identity.address, what);
  }
}
