/**
 * The child that instruction-count.ts runs under callgrind: one side (the driver or the
 * hand-written loop) of one driver-loops configuration, warmed up until V8 has optimized
 * it, then two counted windows of `small` and `large` packets. Each window starts with
 * os.getPriority() and ends with os.uptime(): callgrind is told to zero its counts before
 * the first (uv_os_getpriority) and to write them out before the second (uv_uptime), so
 * each window's count leaves out node's start-up, the module loading and the warm-up.
 *
 *   node instruction-runner.js <driver|hand> <mode> <burst> <frameBytes> <small> <large> <warmup>
 */
import { getPriority, uptime } from 'node:os';
import { openPorts, runners, sinkBytes, type Mode } from './driver-loops.js';

const [side, mode, burst, frameBytes, small, large, warmup] = process.argv.slice(2);
const ports = await openPorts(Number(frameBytes));
const [driverRun, handRun] = runners(mode as Mode, Number(burst), Number(frameBytes), ports);
const run = side === 'driver' ? driverRun : handRun;
// Warm-up in slices, as the timed benchmark calls its runner, so V8 sees the same calls.
const SLICE = 1000;
for (let done = 0; done < Number(warmup); done += SLICE) run(SLICE);
for (const packets of [Number(small), Number(large)]) {
  getPriority(); // callgrind: zero the counts
  run(packets);
  uptime(); // callgrind: write this window's counts
}
// Printed so that the loops' results are used; the parent ignores stdout.
console.log(sinkBytes());
