/**
 * The driver's configuration: the e1000's (NicConfig filled in and checked: ring sizes,
 * RCTL buffer encoding, long packets) with the 82574L's differences — one or two queues
 * (default two), ring limits from e1000e's own spec, and a 9 KB jumbo limit.
 */
import type { NicConfig } from '../../runtime/nic.js';
import { ringConfig } from '../../runtime/index.js';
import { ETH_HEADER_BYTES } from '../../runtime/packet/ethernet.js';
import { resolveConfig as resolveE1000Config, type E1000Config } from '../e1000/config.js';
import { FCS_BYTES } from '../e1000/datasheet.js';
import { configError } from '../e1000/errors.js';
import { JUMBO_FRAME_MAX_BYTES, RX0_RING_LAYOUT, TX0_RING_LAYOUT } from './generated/index.js';

/** Receive and transmit queues the 82574L has. */
export const MAX_QUEUES = 2;

export type E1000eConfig = E1000Config;

/** Fill in and check `config`; E_QUEUE for a queue count the device lacks, else as the e1000's. */
export function resolveConfig(config: NicConfig = {}): E1000eConfig {
  const queues = config.queues ?? MAX_QUEUES;
  if (!Number.isInteger(queues) || queues < 1 || queues > MAX_QUEUES) {
    throw configError(
      'E_QUEUE',
      `queues ${queues}: the 82574L has 1 or ${MAX_QUEUES} queues per direction`,
      { queues },
    );
  }
  ringConfig(RX0_RING_LAYOUT, { count: config.rxRingSize, bufferBytes: config.rxBufferBytes });
  ringConfig(TX0_RING_LAYOUT, { count: config.txRingSize });
  const resolved = resolveE1000Config({ ...config, queues: 1 });
  const most = JUMBO_FRAME_MAX_BYTES - FCS_BYTES;
  if (resolved.maxFrameBytes > most) {
    throw configError(
      'E_FRAME_SIZE',
      `maxFrameBytes ${resolved.maxFrameBytes} is outside ${ETH_HEADER_BYTES}..${most} (the 82574L's jumbo limit without CRC)`,
      {
        maxFrameBytes: resolved.maxFrameBytes,
        max: most,
      },
    );
  }
  return { ...resolved, queues };
}
