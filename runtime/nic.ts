/**
 * What every nicdl NIC driver offers the CLI and applications, whatever the device:
 * the contract between drivers/<nic>/ and cli/. The CLI works on any driver that
 * implements this (e1000 today, e1000e next) without knowing which it is.
 *
 * Hot paths (transmit, receive, reclaim) allocate nothing per packet: frames are copied
 * into or viewed from pooled DMA buffers, and per-packet metadata is handed to a callback
 * as a reused object.
 */
import type { Device as IrDevice } from '../spec/ir.js';
import type { Clock, Device } from './types.js';

export interface LinkState {
  up: boolean;
  /** 10, 100 or 1000; 0 when the link is down or unknown. */
  speedMbps: number;
  fullDuplex: boolean;
}

/** Checksum offload asked of the device for one frame (TX). */
export interface TxOffload {
  /** Insert the IPv4 header checksum. */
  ipv4?: boolean;
  /** Insert the TCP or UDP checksum (the frame's IP protocol decides which). */
  l4?: boolean;
}

/** Checksum verdict for one received frame: checked by the device, by software, or not at all. */
export type ChecksumStatus = 'ok' | 'bad' | 'none';

/**
 * Metadata of one received frame. The object is reused between callbacks and is valid only
 * while the callback runs: copy what you keep. A driver may work the checksum verdict out
 * when it is first read (the e1000's does, where software must check the frame), so a
 * callback that never reads it does not pay for it.
 */
export interface RxMeta {
  /** Frame length in bytes (without the CRC when the device strips it). */
  readonly length: number;
  /** Device-reported error bits (0 when none). */
  readonly errors: number;
  readonly ipChecksum: ChecksumStatus;
  readonly l4Checksum: ChecksumStatus;
  /** RX queue the frame arrived on. */
  readonly queue: number;
  /** Descriptors the frame spanned (more than 1 for frames larger than one buffer). */
  readonly descriptors: number;
}

export type LoopbackMode = 'none' | 'phy' | 'mac';

/** Interrupt moderation: a named profile, or explicit delays in microseconds. */
export type CoalescingProfile =
  | { profile: 'latency' | 'throughput' | 'off' }
  | {
      profile: 'custom';
      /** Minimum gap between interrupts (ITR), microseconds. */
      intervalUs?: number;
      rxDelayUs?: number;
      rxAbsoluteUs?: number;
      txDelayUs?: number;
      txAbsoluteUs?: number;
    };

export interface NicConfig {
  /** Descriptors per ring (spec limits apply); default from the spec (256). */
  rxRingSize?: number;
  txRingSize?: number;
  /** Bytes per RX buffer; default from the spec (2048). */
  rxBufferBytes?: number;
  /** Largest frame accepted for TX and expected on RX, without CRC; default 1514. */
  maxFrameBytes?: number;
  /** Queues per direction (1 on devices without multi-queue). */
  queues?: number;
  promiscuous?: boolean;
  coalescing?: CoalescingProfile;
  /** Polling (default) or interrupt-driven waits (eventfd on VFIO, emulated on the twin). */
  mode?: 'poll' | 'interrupt';
  checksumOffload?: boolean;
  /** Checked ring mode: assert software never touches a device-owned slot (tests). */
  checkedRings?: boolean;
  /**
   * TX status reports: ask the device to write a descriptor's done bit back on at least
   * every Nth descriptor and on the last of each burst, not on every one (each write-back
   * is a DMA write); 1 = every descriptor. Default: the driver's (e1000: 32, DPDK's
   * tx_rs_thresh default). Completions then come back in groups of up to N.
   */
  txReportEvery?: number;
}

/** A statistic value: 64-bit accumulated hardware counters are bigint, the rest numbers. */
export type StatValue = number | bigint;

export interface NicStatistics {
  /** Hardware counters by spec name, accumulated to 64 bits since the driver started. */
  hardware: Record<string, bigint>;
  /** Software view: packets and bytes through each ring, drops and errors by cause. */
  driver: Record<string, StatValue>;
  /** Ring utilisation and DMA memory. */
  rings: Array<{ name: string; size: number; inFlight: number; free: number; highWater: number }>;
  dma: { allocatedBytes: number; mappedBytes: number; regions: number };
  /** Seconds since the driver started, for rates. */
  uptimeSeconds: number;
}

export interface NicDriver {
  /** Driver name, the spec's device name (e.g. "e1000"). */
  readonly name: string;
  readonly ir: IrDevice;
  readonly device: Device;
  readonly clock: Clock;
  /** The MAC address in use, "52:54:00:12:34:56". */
  readonly mac: string;
  readonly config: Readonly<Required<Omit<NicConfig, 'coalescing'>>> & {
    coalescing: CoalescingProfile;
  };

  link(): LinkState;
  /**
   * Queue frames for transmission, copying each into a pooled DMA buffer; frames larger
   * than one buffer are spread over several descriptors. Returns how many frames (from the
   * start of `frames`) were accepted: fewer than given means the ring or pool is full
   * (backpressure, nothing lost) after taking back what the device has completed (so a
   * caller that only ever transmits keeps going). One doorbell write per call.
   * Throws NicdlError E_FRAME_SIZE for a frame under 14 bytes or over maxFrameBytes.
   */
  transmit(frames: readonly Uint8Array[], offload?: TxOffload, queue?: number): number;
  /**
   * Optional: queue one frame like transmit() but without the doorbell, e.g. from inside a
   * receive callback when forwarding; false when full. flushTransmit() rings it once.
   */
  queueFrame?(frame: Uint8Array, offload?: TxOffload, queue?: number): boolean;
  /** Optional: hand frames queued with queueFrame() to the device (one tail write). */
  flushTransmit?(queue?: number): void;
  /**
   * Optional, scatter-gather: one frame made of several segments (each from its own
   * buffers, end-of-packet on the last). False, queueing nothing, when full.
   */
  transmitGather?(segments: readonly Uint8Array[], offload?: TxOffload, queue?: number): boolean;
  /**
   * Optional, zero-copy transmit: the queue's DMA buffers, to write frames into in place
   * and send without a copy (flushTransmit() rings the doorbell). The same object on
   * every call.
   */
  txBuffers?(queue?: number): TxBuffers;
  /** Reclaim completed TX descriptors; returns how many frames completed. */
  reclaim(queue?: number): number;
  /**
   * Deliver up to `max` received frames to `onFrame`, then give their buffers back to the
   * device (one tail write). `frame` is a view into DMA memory, valid only during the call.
   */
  receive(max: number, onFrame: (frame: Uint8Array, meta: RxMeta) => void, queue?: number): number;
  /** Wait until a frame may be available or `timeoutMs` passes (interrupt or poll mode). */
  waitForReceive(timeoutMs: number): Promise<void>;

  setLoopback(mode: LoopbackMode): Promise<void>;
  setPromiscuous(on: boolean): void;
  addMulticast(mac: string): void;
  setVlanFilter(vlans: readonly number[]): void;
  setCoalescing(profile: CoalescingProfile): void;

  statistics(): NicStatistics;
  /** Quiesce the device, free DMA memory, close the backend. Idempotent. */
  close(): Promise<void>;
}

/**
 * Zero-copy transmit (the model of ixy's packet buffers and DPDK's mbufs): take a buffer,
 * write the frame into it, send it; the driver takes it back when the device is done.
 * A buffer keeps its bytes across sends, so a generator may fill each buffer once and
 * resend it, as Linux pktgen resends one skb (clone_skb).
 */
export interface TxBuffers {
  /** Buffers in the pool: ids are 0 .. count - 1. */
  readonly count: number;
  /** Bytes per buffer: the longest frame one buffer sends. */
  readonly bufferBytes: number;
  /**
   * A free buffer's id, reclaiming completed sends first if none is free; -1 if still none.
   * A driver may tie buffers to ring slots (e1000: while they are sent in the order taken),
   * so none may be free while the ring is full. A -1 is backpressure the caller sees; no
   * frame was offered, so no refusal is counted in the statistics.
   */
  alloc(): number;
  /** Buffer `id`'s bytes in DMA memory: the same view on every call. */
  bytes(id: number): Uint8Array;
  /**
   * Queue buffer `id` holding one frame of `length` bytes (no doorbell; flushTransmit()
   * hands it over). False when the ring is full: the buffer stays the caller's. Throws
   * E_FRAME_SIZE for a length under 14 bytes or over maxFrameBytes or the buffer.
   */
  send(id: number, length: number): boolean;
  /** Give back a buffer taken with alloc() and not sent. */
  free(id: number): void;
}

/** How a driver package is opened by the CLI. */
export interface NicDriverModule {
  /** Spec file of the driver (absolute path). */
  specPath: string;
  /** Open on hardware or the twin. `device` is an already-opened backend Device. */
  open(device: Device, ir: IrDevice, config?: NicConfig, clock?: Clock): Promise<NicDriver>;
}
