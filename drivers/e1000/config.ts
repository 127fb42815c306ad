/**
 * The driver's configuration: NicConfig with every default filled in from the spec and
 * every value checked against what the e1000 can do, before the device is touched.
 * Ring sizes follow the spec's `count` limits; the RX buffer must be a size RCTL can
 * select; the largest frame must fit the long-packet limit.
 */
import type { CoalescingProfile, NicConfig } from '../../runtime/nic.js';
import { ringConfig } from '../../runtime/index.js';
import { ETH_HEADER_BYTES, ETH_MAX_FRAME_BYTES } from '../../runtime/packet/ethernet.js';
import { RX_RING_LAYOUT, TX_RING_LAYOUT } from './generated/index.js';
import {
  FCS_BYTES,
  LONG_PACKET_MAX_BYTES,
  LONG_PACKET_THRESHOLD_BYTES,
  RX_BUFFER_ENCODINGS,
  type RxBufferEncoding,
} from './datasheet.js';
import { configError } from './errors.js';

/** What the driver runs with: NicConfig, all filled in and checked. */
export interface E1000Config {
  rxRingSize: number;
  txRingSize: number;
  rxBufferBytes: number;
  /** TX buffers are the spec's default ring buffer size; larger frames use several. */
  txBufferBytes: number;
  maxFrameBytes: number;
  queues: number;
  promiscuous: boolean;
  coalescing: CoalescingProfile;
  mode: 'poll' | 'interrupt';
  checksumOffload: boolean;
  checkedRings: boolean;
  /** TX descriptors per status report (RS), and the last of each burst (RingOptions.reportEvery). */
  txReportEvery: number;
  /** How RCTL encodes rxBufferBytes. */
  rxBuffer: RxBufferEncoding;
  /** RCTL.LPE: the largest frame is longer than 1522 bytes with its CRC. */
  longPackets: boolean;
}

/** The coalescing profile used when none is given. */
export const DEFAULT_COALESCING: CoalescingProfile = { profile: 'latency' };

/**
 * TX descriptors per status report when none is given: RS (and so a DD write-back, one
 * DMA write) on every 32nd descriptor and the last of each burst, as DPDK's e1000 driver
 * does by default (tx_rs_thresh 32); QEMU and the 8254x write DD only where RS is set.
 */
export const DEFAULT_TX_REPORT_EVERY = 32;

/**
 * Fill in and check `config`; throws E_RING_SIZE, E_RING_BUFFER, E_RING_REPORT, E_FRAME_SIZE
 * or E_QUEUE.
 */
export function resolveConfig(config: NicConfig = {}): E1000Config {
  const rx = ringConfig(RX_RING_LAYOUT, {
    count: config.rxRingSize,
    bufferBytes: config.rxBufferBytes,
  });
  const tx = ringConfig(TX_RING_LAYOUT, {
    count: config.txRingSize,
    reportEvery: config.txReportEvery ?? DEFAULT_TX_REPORT_EVERY,
  });
  const maxFrameBytes = config.maxFrameBytes ?? ETH_MAX_FRAME_BYTES;
  checkMaxFrame(maxFrameBytes);
  const queues = config.queues ?? 1;
  if (queues !== 1) {
    throw configError(
      'E_QUEUE',
      `queues ${queues}: the e1000 has one receive and one transmit queue`,
      { queues },
    );
  }
  return {
    rxRingSize: rx.count,
    txRingSize: tx.count,
    rxBufferBytes: rx.bufferBytes,
    txBufferBytes: tx.bufferBytes,
    maxFrameBytes,
    queues,
    promiscuous: config.promiscuous ?? false,
    coalescing: config.coalescing ?? DEFAULT_COALESCING,
    mode: config.mode ?? 'poll',
    checksumOffload: config.checksumOffload ?? true,
    checkedRings: config.checkedRings ?? false,
    txReportEvery: tx.reportEvery,
    rxBuffer: rxBufferEncoding(rx.bufferBytes),
    longPackets: maxFrameBytes + FCS_BYTES > LONG_PACKET_THRESHOLD_BYTES,
  };
}

function checkMaxFrame(bytes: number): void {
  const most = LONG_PACKET_MAX_BYTES - FCS_BYTES;
  if (!Number.isInteger(bytes) || bytes < ETH_HEADER_BYTES || bytes > most) {
    throw configError(
      'E_FRAME_SIZE',
      `maxFrameBytes ${bytes} is outside ${ETH_HEADER_BYTES}..${most} (the e1000's long-packet limit without CRC)`,
      {
        maxFrameBytes: bytes,
        min: ETH_HEADER_BYTES,
        max: most,
      },
    );
  }
}

/** RCTL's encoding of a receive buffer size (8254x SDM §13.4.22); E_RING_BUFFER otherwise. */
export function rxBufferEncoding(bytes: number): RxBufferEncoding {
  const found = RX_BUFFER_ENCODINGS.find((e) => e.bytes === bytes);
  if (found) return found;
  const allowed = RX_BUFFER_ENCODINGS.map((e) => e.bytes);
  throw configError(
    'E_RING_BUFFER',
    `rxBufferBytes ${bytes}: RCTL can select only ${allowed.join(', ')} bytes`,
    {
      rxBufferBytes: bytes,
      allowed,
    },
  );
}
