#!/usr/bin/env node
// `npm run bench:soak`: nicdl's memory under real traffic for a long run. In the QEMU bench
// guest (machine.mjs: TCG, 2 vCPUs, the e1000 nic0 on a -netdev dgram wire to the host),
// `nicdl load --pci <nic0> --no-selftest --serve --json` receives 60-byte frames that the
// host's wire tool (wire.c `blast`) sends at a fixed rate, for --minutes. Every --sample-s
// seconds the guest's /proc/PID/status of the nicdl process is read (VmRSS, VmHWM and the
// RSS breakdown): a view independent of nicdl's own figures. At the end the host stops
// sending, nicdl is stopped with SIGINT and its --json result (its own memory report and
// frame count) is kept beside the samples.
//
// Output: bench/results/soak.json (samples, peak, first/last, second-half slope, the
// verdicts "< 80 MiB" and "flat" as defined in soak-stats.ts, frames counted by nicdl and
// by the host, run conditions) and the headline (serve_rss_peak_mb,
// serve_rss_growth_kb_per_min, serve_soak_minutes) merged into summary.json. A run shorter
// than 10 minutes, or with --node-options, is a trial: bench/results/soak-trial.json,
// summary left alone.
//
// Options: --minutes M (10), --pps N (offered load, 20000), --sample-s S (10),
// --node-options '…' (NODE_OPTIONS for nicdl in the guest, e.g. --max-semi-space-size=2:
// for trying V8 settings; such a run is a trial).
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT, withGuest } from '../../test/e2e/lib/guest.mjs';
import { benchNics, guestOptions, guestTools, MEM_MB, SMP } from './machine.mjs';
import { buildWire, startBlast } from './wire.mjs';
import { missing, nicdlCapabilities } from './nicdl-cli.mjs';
import { RX_FRAME_BYTES } from './peers.mjs';

const { values: opt } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    pps: { type: 'string', default: '20000' },
    'sample-s': { type: 'string', default: '10' },
    'node-options': { type: 'string', default: '' },
  },
});
const MINUTES = Number(opt.minutes);
const PPS = Number(opt.pps);
const SAMPLE_S = Number(opt['sample-s']);
const NODE_OPTIONS = opt['node-options'];
if (!(MINUTES > 0) || !(PPS > 0) || !(SAMPLE_S > 0)) {
  console.error('soak: --minutes, --pps and --sample-s must be positive numbers');
  process.exit(2);
}
const SOAK_MS = MINUTES * 60_000;
// nicdl starts in 10-25 s in the guest under TCG; the team's jobs can make it 3x slower.
const START_TIMEOUT_MS = 180_000;
// After the host stops sending: time for nicdl to take the frames left in the ring.
const DRAIN_MS = 2000;
const STOP_TIMEOUT_MS = 60_000;
// The host keeps sending past the soak's end until it is stopped explicitly.
const BLAST_EXTRA_S = 600;
const NICDL = 'node /share/bin/run.js';
const LOG_EVERY_SAMPLES = 6;
const BASELINE_SETTLE_MS = 1000;

const dist = (p) => import(pathToFileURL(join(PROJECT_ROOT, 'dist', 'bench', p)).href);
const stats = await dist('qemu/soak-stats.js');
const lib = { ...(await dist('qemu/parse.js')), ...(await dist('qemu/rates.js')) };
const { writeSummary } = await dist('qemu/summary.js');
const { writeResult } = await dist('harness.js');

const t0 = Date.now();
const elapsedS = () => (Date.now() - t0) / 1000;
const log = (s) => console.log(`[bench:soak ${elapsedS().toFixed(0).padStart(4)} s] ${s}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

/** Polls the job's stderr until nicdl prints its first live line (it is serving). */
async function waitForServing(job) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const line = stats.lastServeLine(job.stderr());
    if (line) return line;
    const ended = await Promise.race([job.done.then(() => true), sleep(500).then(() => false)]);
    if (ended || Date.now() > deadline) {
      const r = await (ended
        ? job.done
        : Promise.resolve({ stdout: job.output(), stderr: job.stderr() }));
      throw new Error(
        `nicdl did not start serving${ended ? ` (exit ${r.code})` : ` in ${START_TIMEOUT_MS} ms`}:\n${`${r.stdout}${r.stderr}`.slice(-1500)}`,
      );
    }
  }
}

/** One sample: /proc/PID/status of nicdl and the guest's load average, read in the guest. */
async function sample(g, pid, job, servingSinceMs) {
  const r = await g.run(`cat /proc/${pid}/status && echo LOADAVG $(cat /proc/loadavg)`);
  const mem = stats.parseProcStatus(r.stdout);
  if (r.code !== 0 || !mem)
    throw new Error(`cannot read /proc/${pid}/status: ${r.stdout}${r.stderr}`);
  const guestLoad =
    r.stdout
      .match(/^LOADAVG (\S+) (\S+) (\S+)/m)
      ?.slice(1, 4)
      .map(Number) ?? null;
  const live = stats.lastServeLine(job.stderr());
  return {
    t: Math.round((Date.now() - servingSinceMs) / 100) / 10,
    ...mem,
    frames: live?.frames ?? null,
    nicdlRssMib: live?.rssMib ?? null,
    guestLoadavg: guestLoad,
    hostLoadavg: load(),
  };
}

/**
 * RSS of a node process that does nothing, in the same guest with the same node binary:
 * what any node program costs before its first line of its own (most of it is node's
 * own code mapped from its binary, RssFile).
 */
async function nodeBaseline(g) {
  const script = `setTimeout(() => process.stdout.write(require('fs').readFileSync('/proc/self/status', 'utf8')), ${BASELINE_SETTLE_MS})`;
  const r = await g.run(`node -e "${script}"`);
  const mem = stats.parseProcStatus(r.stdout);
  if (r.code !== 0 || !mem) return { error: `${r.stdout}${r.stderr}`.slice(-500) };
  return { command: `node -e "${script}"`, ...mem };
}

/**
 * The soak itself. Fills `out` as it goes (samples, the host's counts, nicdl's result), so
 * a run that fails half-way still reports what it measured.
 */
async function soak(g, ctx, out) {
  const tools = guestTools(g);
  out.nodeBaseline = await nodeBaseline(g);
  // nic0 away from the kernel's driver (whose interface could take the load early).
  await tools.bind(ctx.dgram.pciAddress, 'vfio-pci');
  const blast = startBlast(ctx.wire, ctx.dgram.qemuPort, {
    sizeBytes: RX_FRAME_BYTES,
    seconds: MINUTES * 60 + BLAST_EXTRA_S,
    pps: PPS,
    dstMac: ctx.dgram.mac,
  });
  out.command = `${NICDL} load --pci ${ctx.dgram.pciAddress} --no-selftest --serve --json`;
  // exec: the job's shell becomes node, so the job's pid file (its process group) is nicdl's pid.
  const job = g.start(`exec ${out.command}`, {
    env: NODE_OPTIONS ? { NODE_OPTIONS } : {},
    timeoutMs: START_TIMEOUT_MS + SOAK_MS + STOP_TIMEOUT_MS + DRAIN_MS,
  });
  let result;
  try {
    await waitForServing(job);
    const pid = Number(readFileSync(join(g.ctlDir, `${job.id}.pid`), 'utf8').trim());
    const servingSinceMs = Date.now();
    log(
      `nicdl (pid ${pid} in the guest) is serving; sampling every ${SAMPLE_S} s for ${MINUTES} min`,
    );
    for (let next = 0; next <= SOAK_MS; next += SAMPLE_S * 1000) {
      await sleep(Math.max(0, servingSinceMs + next - Date.now()));
      const s = await sample(g, pid, job, servingSinceMs);
      out.samples.push(s);
      if (out.samples.length % LOG_EVERY_SAMPLES === 1 || next + SAMPLE_S * 1000 > SOAK_MS)
        log(
          `t=${s.t} s: VmRSS ${(s.vmRssBytes / stats.MIB).toFixed(1)} MiB, VmHWM ${(s.vmHwmBytes / stats.MIB).toFixed(1)} MiB, frames ${s.frames ?? '-'}, host load ${s.hostLoadavg[0]}`,
        );
    }
  } finally {
    out.host = await blast.stop();
    await sleep(DRAIN_MS);
    job.kill('INT');
    result = await Promise.race([
      job.done,
      sleep(STOP_TIMEOUT_MS).then(() => {
        job.kill('KILL');
        return job.done.catch((e) => e.result ?? {});
      }),
    ]);
    out.exitCode = result.code;
    out.nicdl = lib.parseCommandJson(result.stdout ?? '');
  }
  if (result.code !== 0 || !out.nicdl?.serve)
    throw new Error(
      `nicdl load --serve ended with exit ${result.code}: ${`${result.stdout}${result.stderr}`.slice(-1500)}`,
    );
}

function hostFigures(host) {
  const steady = lib.steadyRate(host.accepted, host.binMs);
  return {
    offeredPps: PPS,
    sentPps: host.pps,
    sent: host.sent,
    droppedAtQemuSocket: host.dropped,
    // Frames QEMU took into the NIC while the load ran (the wait for nicdl's RX not included).
    framesTakenByNic: host.accepted.reduce((a, b) => a + b, 0),
    steadyPps: Math.round(steady.steadyPps),
    waitedForReceiverS: host.waitedS,
    seconds: host.seconds,
  };
}

// ---- main

const trial = MINUTES < stats.FULL_RUN_MINUTES || NODE_OPTIONS !== '';
const wire = buildWire();
const caps = await nicdlCapabilities(PROJECT_ROOT);
const why = missing(caps, 'load', ['pci', 'serve', 'selftest']);
if (why) {
  console.error(`soak: ${why}`);
  process.exit(1);
}
const { dgram, qemuArgs } = await benchNics();
const conditions = {
  accel: 'tcg (multi-threaded), no KVM',
  guest: { smp: SMP, memMb: MEM_MB, nic: 'e1000 00:02.0 on -netdev dgram (host wire tool)' },
  hostCpus: (await import('node:os')).cpus().length,
  loadavgStart: load(),
  minutes: MINUTES,
  sampleS: SAMPLE_S,
  nodeOptions: NODE_OPTIONS || null,
  load: `${RX_FRAME_BYTES}-byte frames to nic0's MAC from the host (wire.c blast, sendmmsg), paced to ${PPS} pps once QEMU reads`,
};
const run = {
  command: null,
  nodeBaseline: null,
  samples: [],
  host: null,
  nicdl: null,
  exitCode: null,
};
let guestError = null;
try {
  await withGuest(guestOptions({ qemuArgs, hostFiles: [], log }), async (g) => {
    conditions.guestKernel = (await g.ok('uname -r')).trim();
    conditions.bootMs = g.bootMs;
    await soak(g, { wire, dgram }, run);
  });
} catch (e) {
  guestError = `${e.message}${e.artifacts ? `\n(artifacts: ${e.artifacts})` : ''}`;
  log(`soak failed: ${guestError}`);
}
conditions.loadavgEnd = load();
conditions.wallS = Math.round(elapsedS());

const figures = stats.soakFigures(run.samples);
const serve = run.nicdl?.serve ?? null;
const frames = run.host
  ? {
      nicdl: serve?.framesReceived ?? null,
      host: hostFigures(run.host),
      note: "host: frames QEMU took off its socket into the NIC from when it began reading (sent minus dropped at the socket); nicdl: frames its serve loop received, stopped 2 s after the host stopped sending. They may differ by a few hundred frames around nicdl's bring-up (frames queued at the socket before the host's count starts; QEMU's 1 s receive pause after the RCTL write)",
    }
  : null;
const headline =
  figures && !trial && !guestError
    ? {
        serve_rss_peak_mb: figures.peakRssMib,
        serve_rss_growth_kb_per_min: figures.verdicts.flat.value,
        serve_soak_minutes: MINUTES,
      }
    : null;
const name = trial ? 'soak-trial' : 'soak';
writeResult(name, {
  conditions,
  ...(guestError ? { guestError } : {}),
  command: run.command,
  nicdlExitCode: run.exitCode,
  goals: figures
    ? {
        ...figures.verdicts,
        ...(trial
          ? {
              note: `a trial (${MINUTES} min${NODE_OPTIONS ? `, NODE_OPTIONS ${NODE_OPTIONS}` : ''}): the goals are judged on a ${stats.FULL_RUN_MINUTES}-minute run with nicdl as shipped`,
            }
          : {}),
      }
    : null,
  figures: figures && { ...figures, verdicts: undefined },
  frames,
  nodeBaseline: run.nodeBaseline,
  nicdlOwnReport: serve ? { seconds: serve.seconds, memory: serve.memory } : null,
  samples: run.samples,
  ...(headline ? { headline } : {}),
});
if (headline) writeSummary(join(PROJECT_ROOT, 'bench', 'results'));
log(`wrote bench/results/${name}.json${headline ? ', summary.json, summary.md, summary.svg' : ''}`);
if (figures) {
  const v = figures.verdicts;
  const verdict = (x) => (x.met === null ? 'not judged' : x.met ? 'MET' : 'NOT MET');
  const base = run.nodeBaseline?.vmRssBytes;
  console.log(
    `\n  peak RSS ${figures.peakRssMib} MiB = ${figures.peakRssDecimalMb} MB (limit ${v.underLimit.limit} MiB): ${verdict(v.underLimit)}` +
      `\n  RSS ${figures.firstRssMib} -> ${figures.lastRssMib} MiB (last: anon ${figures.lastRssAnonMib ?? '-'}, file ${figures.lastRssFileMib ?? '-'})` +
      `${base ? `; a node process doing nothing: ${(base / stats.MIB).toFixed(1)} MiB` : ''}` +
      `\n  second-half slope ${v.flat.value ?? '-'} KiB/min` +
      `${figures.growth?.stdErrKbPerMin != null ? ` (± ${figures.growth.stdErrKbPerMin.toFixed(1)})` : ''} (limit ${v.flat.limit}): ${verdict(v.flat)}` +
      (frames
        ? `\n  frames: nicdl ${frames.nicdl ?? '-'}, host ${frames.host.framesTakenByNic} (steady ${frames.host.steadyPps} pps)`
        : '') +
      `${trial ? `\n  (a trial: ${MINUTES} min${NODE_OPTIONS ? `, NODE_OPTIONS ${NODE_OPTIONS}` : ''})` : ''}`,
  );
}
process.exit(guestError ? 1 : 0);
