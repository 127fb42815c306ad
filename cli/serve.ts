/**
 * Keeping a NIC up (`nicdl load --serve`, `nicdl stats --watch`): receive and count what
 * arrives, reclaim what was sent, report rates once a second, until Ctrl-C. Received
 * frames are counted and dropped: there is no stack above the driver here.
 */
import { bitRate, count, LiveRates } from './live-rates.js';
import type { OpenedNic } from './open-nic.js';

export interface ServeResult {
  seconds: number;
  framesReceived: number;
  bytesReceived: number;
}

const RX_BATCH = 64;
/** How long an idle loop waits for a frame (device time; wall time too on the twin). */
const IDLE_WAIT_MS = 10;

export async function serve(
  nic: OpenedNic,
  live: (line: string) => void,
  log: (line: string) => void,
): Promise<ServeResult> {
  const { driver, stop } = nic;
  const totals = { frames: 0, bytes: 0 };
  const onFrame = (frame: Uint8Array) => {
    totals.frames++;
    totals.bytes += frame.length;
  };
  const rates = new LiveRates((l) =>
    live(
      `serving ${l.elapsedS.toFixed(0)} s: rx ${count(Math.round(l.pps))} pps ${bitRate(l.bps)}, ${count(l.frames)} frames, link ${driver.link().up ? 'up' : 'down'}`,
    ),
  );
  log(`serving on ${nic.where} (Ctrl-C to stop)`);
  while (!stop.stopped) {
    driver.reclaim();
    if (driver.receive(RX_BATCH, onFrame) === 0) {
      await driver.waitForReceive(IDLE_WAIT_MS);
      // The twin's virtual clock returns at once: don't spin a shared CPU.
      if (nic.sim) await stop.sleep(IDLE_WAIT_MS);
    }
    rates.tick(totals);
  }
  const seconds = rates.elapsedMs / 1000;
  log(
    `stopped by ${stop.requested} after ${seconds.toFixed(1)} s: received ${count(totals.frames)} frames (${count(totals.bytes)} bytes)`,
  );
  return { seconds, framesReceived: totals.frames, bytesReceived: totals.bytes };
}
