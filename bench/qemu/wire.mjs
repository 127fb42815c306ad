// The host end of the bench NIC's wire: builds wire.c with the system C compiler (cached
// by a hash of its source) and runs it as a frame counter (TX ground truth) or a frame
// blaster (RX load). See wire.c for what each mode prints.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'wire.c');
// Frames still in flight when a tool stops (QEMU draining its TX ring) reach the counter
// within this long.
const COUNTER_DRAIN_MS = 300;
// The counter does little work per frame but must not fall behind while QEMU and the guest
// take both cores: a higher priority (root only; ignored otherwise) keeps its socket drained.
const COUNTER_NICE = -10;

/** Compiles wire.c once per source version; returns the binary's path. */
export function buildWire() {
  const source = readFileSync(SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), 'nicdl-bench-wire');
  const binary = join(dir, `wire-${hash}`);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const tmp = `${binary}.tmp-${process.pid}`;
  const cc = process.env.CC ?? 'cc';
  const r = spawnSync(cc, ['-O2', '-Wall', '-o', tmp, SOURCE], { encoding: 'utf8' });
  if (r.error)
    throw new Error(
      `cannot run ${cc} to build ${SOURCE}: ${r.error.message} (apt-get install gcc)`,
    );
  if (r.status !== 0) throw new Error(`${cc} failed on ${SOURCE}:\n${r.stderr}`);
  renameSync(tmp, binary);
  return binary;
}

function collect(child, what) {
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${what} exited ${code}: ${err.trim()}`));
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`${what} printed no JSON: ${out}${err}`));
      }
    });
  });
}

/**
 * Counts the frames QEMU sends to `port` (frames of `sizeBytes` per 10 ms bin, every size
 * in the histogram) until stop(). Resolve `ready` before starting the traffic.
 */
export function startCounter(binary, port, sizeBytes, maxSeconds) {
  const child = spawn(binary, ['count', String(port), String(maxSeconds), String(sizeBytes)]);
  try {
    setPriority(child.pid, COUNTER_NICE);
  } catch {
    // Not root: the counter reports what its socket dropped, if anything.
  }
  const result = collect(child, 'wire count');
  const ready = new Promise((resolve, reject) => {
    child.stderr.once('data', resolve);
    result.catch(reject);
  });
  return {
    ready,
    result,
    async stop() {
      await new Promise((r) => setTimeout(r, COUNTER_DRAIN_MS));
      child.kill('SIGINT');
      return result;
    },
  };
}

/**
 * Sends `sizeBytes` frames to `dstMac` through QEMU's port (`pps` 0: as fast as it can) for
 * `seconds` or until stop(). The result holds `accepted` per 100 ms: frames QEMU took.
 */
export function startBlast(binary, qemuPort, { sizeBytes, seconds, pps, dstMac }) {
  const child = spawn(binary, [
    'blast',
    String(qemuPort),
    String(sizeBytes),
    String(seconds),
    String(pps),
    dstMac,
  ]);
  const result = collect(child, 'wire blast');
  return {
    result,
    stop() {
      child.kill('SIGINT');
      return result;
    },
  };
}
