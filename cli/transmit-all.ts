/**
 * Sending a list of frames through a driver with backpressure: queue what the ring takes,
 * reclaim completions, wait a little, go on; then wait until every frame is done. Gives
 * up (E_TX_TIMEOUT) when the device makes no progress for a while, e.g. link down.
 */
import { ExitCode, NicdlError } from '../spec/errors.js';
import type { NicDriver } from '../runtime/nic.js';
import type { StopSignal } from './stop-signal.js';

export interface TransmitResult {
  sent: number;
  completed: number;
  bytes: number;
  elapsedMs: number;
}

const STALL_TIMEOUT_US = 2_000_000;
const BACKOFF_US = 50;
const BATCH = 64;

export async function transmitAll(
  driver: NicDriver,
  frames: readonly Uint8Array[],
  stop: StopSignal,
  onProgress?: (sent: number) => void,
): Promise<TransmitResult> {
  const startMs = performance.now();
  let sent = 0;
  let completed = 0;
  let bytes = 0;
  let lastProgressUs = driver.clock.nowUs();
  while (sent < frames.length || completed < sent) {
    stop.check(`sending (${sent} of ${frames.length} frames sent)`);
    let progressed = false;
    if (sent < frames.length) {
      const batch = frames.slice(sent, sent + BATCH);
      const n = driver.transmit(batch);
      for (let i = 0; i < n; i++) bytes += batch[i].length;
      sent += n;
      progressed = n > 0;
      if (n) onProgress?.(sent);
    }
    const done = driver.reclaim();
    completed += done;
    if (progressed || done > 0) {
      lastProgressUs = driver.clock.nowUs();
      continue;
    }
    if (driver.clock.nowUs() - lastProgressUs > STALL_TIMEOUT_US)
      throw stallError(sent, completed, frames.length);
    await driver.clock.sleepUs(BACKOFF_US);
  }
  return { sent, completed, bytes, elapsedMs: performance.now() - startMs };
}

function stallError(sent: number, completed: number, total: number): NicdlError {
  return new NicdlError(
    'E_TX_TIMEOUT',
    `the device stopped sending: ${completed} of ${total} frames done, ${sent - completed} still queued after ${STALL_TIMEOUT_US / 1e6} s (link down?)`,
    ExitCode.timeout,
    { sent, completed, total },
  );
}
