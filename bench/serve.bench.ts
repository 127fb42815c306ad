/**
 * `nicdl load --serve`'s loop on the e1000 twin, in process, with frames arriving the whole
 * time: does its memory grow? The quick companion of the QEMU soak (bench/qemu/soak.mjs):
 * no guest, a few tens of seconds, and V8's used heap beside RSS, where a JavaScript leak
 * in the receive path (driver, ring runtime, serve loop) would show first.
 *
 * Frames of 60 bytes to the twin's MAC are injected BURST at a time every millisecond or
 * so (a timer), under a ring's worth per serve idle wait, for BENCH_SERVE_S seconds (40);
 * then the loop is stopped as Ctrl-C would stop it and its own memory report (serve.memory:
 * MemoryMonitor, once a second) is the result. The twin and the injector allocate too
 * (they are not the product), so RSS here is an upper bound on the loop's. V8's used heap is a
 * sawtooth (garbage piles up between collections), so the leak figure is the heap after a
 * full GC half-way and at the end (node --expose-gc, as bench/run.mjs runs every bench).
 * RSS still climbs at 40 s here (V8 grows its young generation under the twin's and the
 * injector's garbage), so its growth is kept in the JSON but is no headline: flatness is the
 * QEMU soak's to judge, over 10 minutes.
 */
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { writeResult } from './harness.js';
import { openNic } from '../cli/open-nic.js';
import { serve } from '../cli/serve.js';
import { makeTestFrame, parseMac } from '../runtime/packet/index.js';

// The V8 setting the nicdl binary starts with (bin/run.js): the young generation keeps
// its starting size, so this process's memory is what `nicdl load --serve`'s would be.
setFlagsFromString('--semi-space-growth-factor=1');

const SECONDS = Number(process.env.BENCH_SERVE_S ?? 40);
const FRAME_BYTES = 60;
/** Frames per injection turn: ~16,000 frames/s at one turn per millisecond. */
const BURST = 16;
const INJECT_GAP_MS = 1;
/** QEMU's receive pause after an RCTL write, which the twin models (virtual time: instant). */
const RCTL_QUIET_US = 1_100_000;
const DRAIN_MS = 100;
const MIB = 1 << 20;
const PEER_MAC = '02:00:00:00:00:01';

const KIB = 1024;
const gc = (globalThis as { gc?: () => void }).gc;
const hasGc = typeof gc === 'function';
/** V8's used heap after a full collection: what is kept, not garbage waiting (needs --expose-gc). */
const retainedHeapBytes = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, places = 1) => Math.round(x * 10 ** places) / 10 ** places;

const cleanups: Array<() => unknown> = [];
const nic = await openNic({}, { onCleanup: (fn) => void cleanups.unshift(fn) });
const loadStart = loadavg();
try {
  const sim = nic.sim!;
  await nic.driver.clock.sleepUs(RCTL_QUIET_US);
  const dst = parseMac(nic.driver.mac);
  const frames = Array.from({ length: BURST }, (_, i) =>
    makeTestFrame(i, FRAME_BYTES, dst, parseMac(PEER_MAC)),
  );
  // Only the last live line is kept: a list of them would be memory the run retains.
  let lastLiveLine: string | null = null;
  const serving = serve(
    nic,
    (l) => (lastLiveLine = l),
    () => {},
  );
  let delivered = 0;
  let dropped = 0;
  const startMs = performance.now();
  const endMs = startMs + SECONDS * 1000;
  const retained = { midS: 0, midBytes: 0, endS: 0, endBytes: 0 };
  while (performance.now() < endMs) {
    if (!retained.midS && performance.now() - startMs >= (SECONDS * 1000) / 2)
      [retained.midS, retained.midBytes] = [SECONDS / 2, retainedHeapBytes()];
    for (const f of frames) {
      if (sim.receive(f) === 'delivered') delivered++;
      else dropped++;
    }
    await sleep(INJECT_GAP_MS);
  }
  await sleep(DRAIN_MS);
  [retained.endS, retained.endBytes] = [(performance.now() - startMs) / 1000, retainedHeapBytes()];
  nic.stop.requested = 'SIGINT';
  const r = await serving;
  const m = r.memory;
  const retainedKbPerMin =
    hasGc && retained.endS > retained.midS
      ? round(
          ((retained.endBytes - retained.midBytes) / KIB / (retained.endS - retained.midS)) * 60,
        )
      : null;
  writeResult('serve', {
    setup: `serve() on the e1000 twin in process, ${FRAME_BYTES}-byte frames injected ${BURST} per timer turn (${INJECT_GAP_MS} ms) for ${SECONDS} s; memory from serve's own report (process.memoryUsage once a second; growth = least-squares slope over the second half)`,
    loadAverage: { start: loadStart, end: loadavg() },
    frames: {
      delivered,
      droppedByTwin: dropped,
      received: r.framesReceived,
      pps: Math.round(r.framesReceived / r.seconds),
    },
    lastLiveLine,
    memory: m,
    retainedHeap: hasGc
      ? {
          method:
            'heapUsed right after a full GC (node --expose-gc) half-way and at the end: what the run keeps, without the garbage that makes heapUsed a sawtooth',
          ...retained,
          kbPerMin: retainedKbPerMin,
        }
      : 'not measured: run with node --expose-gc (npm run bench does)',
    headline: {
      twin_serve_rss_peak_mb: round(m.rss.peakBytes / MIB, 2),
      twin_serve_retained_heap_kb_per_min: retainedKbPerMin,
    },
  });
} finally {
  for (const fn of cleanups) await fn();
}
