/**
 * Traffic through a NIC in loopback: generated test frames go out, come back, and each is
 * checked byte by byte and for order. What `nicdl load` runs as its self-test and what
 * `nicdl selftest` runs for PHY/MAC loopback and ring wraparound.
 *
 * At most `window` frames are in flight, below both ring sizes, so a device that holds
 * frames for a while never has to drop one. Some devices drop instead while the loopback
 * path settles — QEMU's e1000 for 1 s after any RCTL write, a real PHY while its link
 * comes up — so awaitLoopbackPath() first sends uncounted probe frames until one comes back.
 */
import type { NicDriver } from '../runtime/nic.js';
import { checkTestFrame, makeTestFrame, parseMac, testFrameSeq } from '../runtime/packet/index.js';
import type { StopSignal } from './stop-signal.js';

export interface LoopbackOptions {
  frames: number;
  /** Frame sizes, used in turn. */
  sizes: readonly number[];
  /** Frames in flight at most (default: half the smaller ring). */
  window?: number;
  /** Device time without a frame coming back before giving up, microseconds. */
  idleTimeoutUs?: number;
  stop: StopSignal;
  /** Called about every `progressEvery` frames received. */
  onProgress?(received: number, elapsedMs: number): void;
  progressEvery?: number;
}

export interface LoopbackResult {
  sent: number;
  received: number;
  bytesSent: number;
  /** Frames that came back with a difference, or out of order (first ones, described). */
  mismatches: number;
  firstMismatches: string[];
  /** Frames received that were not counted test traffic (late probes included; ignored). */
  foreign: number;
  timedOut: boolean;
  elapsedMs: number;
  /** Frames per second, wall clock, send to last receive. */
  pps: number;
  ok: boolean;
}

/** Probe frames carry sequence numbers from here: far above any counted frame, ignored by the check. */
export const PROBE_SEQ_BASE = 0xf000_0000;
const PROBE_BYTES = 60;
const PROBE_EVERY_US = 100_000;
const DEFAULT_SETTLE_TIMEOUT_US = 5_000_000;
/** After a probe came back, how long without frames means the other probes are all in. */
const PROBE_DRAIN_QUIET_US = 20_000;
const TX_BATCH = 32;
const RX_BATCH = 64;
const DEFAULT_IDLE_TIMEOUT_US = 3_000_000;
const WAIT_STEP_MS = 1;
const MISMATCHES_KEPT = 5;

export async function runLoopbackTraffic(
  driver: NicDriver,
  opts: LoopbackOptions,
): Promise<LoopbackResult> {
  const mac = parseMac(driver.mac);
  const window =
    opts.window ??
    Math.max(1, Math.floor(Math.min(driver.config.rxRingSize, driver.config.txRingSize) / 2));
  const idleTimeoutUs = opts.idleTimeoutUs ?? DEFAULT_IDLE_TIMEOUT_US;
  const r: LoopbackResult = {
    sent: 0,
    received: 0,
    bytesSent: 0,
    mismatches: 0,
    firstMismatches: [],
    foreign: 0,
    timedOut: false,
    elapsedMs: 0,
    pps: 0,
    ok: false,
  };
  const onFrame = (frame: Uint8Array) => {
    const seq = testFrameSeq(frame);
    if (seq < 0 || seq >= PROBE_SEQ_BASE) {
      r.foreign++;
      return;
    }
    const why = checkTestFrame(frame, r.received, mac, mac);
    if (why) {
      r.mismatches++;
      if (r.firstMismatches.length < MISMATCHES_KEPT)
        r.firstMismatches.push(`frame ${r.received}: ${why}`);
    }
    r.received++;
  };
  const startMs = performance.now();
  let lastProgressUs = driver.clock.nowUs();
  let nextProgress = opts.progressEvery ?? Infinity;
  while (r.received < opts.frames) {
    opts.stop.check('loopback traffic');
    sendWithin(driver, r, opts, window, mac);
    driver.reclaim();
    const before = r.received;
    driver.receive(RX_BATCH, onFrame);
    if (r.received > before) {
      lastProgressUs = driver.clock.nowUs();
      if (r.received >= nextProgress) {
        opts.onProgress?.(r.received, performance.now() - startMs);
        nextProgress += opts.progressEvery ?? Infinity;
      }
      continue;
    }
    if (driver.clock.nowUs() - lastProgressUs > idleTimeoutUs) {
      r.timedOut = true;
      break;
    }
    await driver.waitForReceive(WAIT_STEP_MS);
  }
  while (driver.reclaim() > 0);
  r.elapsedMs = performance.now() - startMs;
  r.pps = r.elapsedMs > 0 ? (r.received * 1000) / r.elapsedMs : 0;
  r.ok = !r.timedOut && r.mismatches === 0 && r.received === opts.frames;
  return r;
}

/** Queue frames while fewer than `window` are in flight; stop at backpressure. */
function sendWithin(
  driver: NicDriver,
  r: LoopbackResult,
  opts: LoopbackOptions,
  window: number,
  mac: Uint8Array,
): void {
  while (r.sent < opts.frames && r.sent - r.received < window) {
    const n = Math.min(TX_BATCH, opts.frames - r.sent, window - (r.sent - r.received));
    const batch: Uint8Array[] = [];
    for (let i = 0; i < n; i++)
      batch.push(makeTestFrame(r.sent + i, opts.sizes[(r.sent + i) % opts.sizes.length], mac, mac));
    const accepted = driver.transmit(batch);
    for (let i = 0; i < accepted; i++) r.bytesSent += batch[i].length;
    r.sent += accepted;
    if (accepted < n) return; // ring or pool full: let completions and receives drain it
  }
}

/** Frame sizes that exercise short, typical and maximal frames up to `maxFrameBytes`. */
export function loopbackSizes(maxFrameBytes: number): number[] {
  const sizes = [60, 64, 128, 256, 512, 1024, 1514, maxFrameBytes].filter(
    (s) => s <= maxFrameBytes,
  );
  return [...new Set(sizes)];
}

export interface SettleResult {
  ready: boolean;
  /** Device time until the first probe came back (or the timeout), milliseconds. */
  waitedMs: number;
  probesSent: number;
}

/**
 * Send a probe frame every 100 ms (device time) until one comes back through the loopback
 * path, then let the rest of the probes in flight arrive; `ready` false after `timeoutUs`.
 */
export async function awaitLoopbackPath(
  driver: NicDriver,
  stop: StopSignal,
  timeoutUs = DEFAULT_SETTLE_TIMEOUT_US,
): Promise<SettleResult> {
  const mac = parseMac(driver.mac);
  const startUs = driver.clock.nowUs();
  let probes = 0;
  let back = false;
  let nextProbeUs = startUs;
  const onFrame = (frame: Uint8Array) => {
    if (testFrameSeq(frame) >= PROBE_SEQ_BASE) back = true;
  };
  while (!back && driver.clock.nowUs() - startUs < timeoutUs) {
    stop.check('waiting for the loopback path');
    if (driver.clock.nowUs() >= nextProbeUs) {
      probes += driver.transmit([makeTestFrame(PROBE_SEQ_BASE + probes, PROBE_BYTES, mac, mac)]);
      nextProbeUs += PROBE_EVERY_US;
    }
    driver.reclaim();
    if (driver.receive(RX_BATCH, onFrame) === 0) await driver.waitForReceive(WAIT_STEP_MS);
  }
  const waitedMs = (driver.clock.nowUs() - startUs) / 1000;
  if (back) await drainQuietly(driver);
  return { ready: back, waitedMs, probesSent: probes };
}

/** Receive and drop frames until none came for PROBE_DRAIN_QUIET_US. */
async function drainQuietly(driver: NicDriver): Promise<void> {
  let lastUs = driver.clock.nowUs();
  while (driver.clock.nowUs() - lastUs < PROBE_DRAIN_QUIET_US) {
    driver.reclaim();
    if (driver.receive(RX_BATCH, () => {}) > 0) lastUs = driver.clock.nowUs();
    else await driver.waitForReceive(WAIT_STEP_MS);
  }
}
