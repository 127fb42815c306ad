/**
 * The runtime's device-agnostic interfaces. Generated code and drivers talk to hardware
 * only through these; backends (runtime/vfio, runtime/sim) implement them.
 * Nothing NIC-specific belongs here.
 *
 * Ordering assumption (x86, the only architecture the VFIO backend supports): DMA is
 * cache-coherent, and plain typed-array stores are performed in program order, so
 * descriptor stores made before an Mmio.write32 to a tail register are visible to the
 * device before the doorbell. No fence is needed in JS; none would help either.
 */

/**
 * 32-bit register access on one BAR. Offsets are in bytes and must be 4-byte aligned.
 * Implementations must perform exactly one 32-bit access per call: never Atomics
 * (V8 compiles Atomics.store to xchg, which reads and so clears read-to-clear registers),
 * never TypedArray set/fill/copyWithin on a BAR view.
 */
export interface Mmio {
  read32(offset: number): number;
  write32(offset: number, value: number): void;
  /** Size of the BAR in bytes. */
  readonly size: number;
}

/** One contiguous block of DMA-able memory, mapped for the device at `iova`. */
export interface DmaRegion {
  /** The address the device uses (I/O virtual address). Below 2^53. */
  readonly iova: number;
  /** Size in bytes. */
  readonly size: number;
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly u32: Uint32Array;
  readonly view: DataView;
}

export interface DmaAllocator {
  /** Allocate `size` bytes aligned to `align` bytes (a power of two), zero-filled. */
  alloc(size: number, align?: number): DmaRegion;
  free(region: DmaRegion): void;
  /** Bytes currently handed out to callers, and bytes mapped for the device in total. */
  stats(): { allocatedBytes: number; mappedBytes: number; regions: number };
}

/** Optional interrupt delivery: an eventfd (VFIO) or an emulated one (twin). */
export interface InterruptSource {
  /** Resolves with the number of interrupts since the last wait, or 0 on timeout. */
  wait(timeoutMs: number): Promise<number>;
  close(): void;
}

export interface PciIdentity {
  /** Domain:bus:device.function, e.g. "0000:00:02.0"; "sim" for the twin. */
  address: string;
  vendor: number;
  device: number;
  subsystemVendor?: number;
  subsystemDevice?: number;
}

/** An opened device, ready for a driver. */
export interface Device {
  readonly identity: PciIdentity;
  /** Backend name, "vfio" or "sim". */
  readonly backend: string;
  bar(index: number): Mmio;
  readonly dma: DmaAllocator;
  /** PCI configuration space access (little-endian). */
  configRead(offset: number, width: 1 | 2 | 4): number;
  configWrite(offset: number, width: 1 | 2 | 4, value: number): void;
  /** Let the device master the bus (DMA). Off again in quiesce(). */
  enableBusMaster(): void;
  /** Stop all DMA: bus mastering off. Safe to call more than once. */
  quiesce(): void;
  interrupts?(): InterruptSource | undefined;
  /**
   * Per-vector interrupts (MSI-X): source i is vector i, for i < count. Undefined when
   * the device cannot give `count` vectors, or already delivers its interrupts through
   * interrupts() (a device uses one or the other). Closed with the device.
   */
  interruptVectors?(count: number): InterruptSource[] | undefined;
  /** Quiesce, unmap all DMA, detach BARs, release the device. Idempotent. */
  close(): Promise<void>;
}

/** Waits without blocking the event loop; backends may advance virtual time instead. */
export interface Clock {
  nowUs(): number;
  sleepUs(us: number): Promise<void>;
}
