#!/usr/bin/env node
// `npm run bench:qemu`: nicdl against the Linux kernel's e1000 driver and DPDK testpmd in
// the SAME QEMU guest (TCG, 2 vCPUs on the host's 2 shared cores), in the same run:
//   TX pps at 60 and 1514 bytes   kernel pktgen | testpmd txonly | nicdl pktgen
//   RX pps at 60 bytes            kernel driver | testpmd rxonly | nicdl recv
//   ping RTT p50/p99 to slirp     kernel ping   |                | nicdl ping
// The host side of the wire is the ground truth: a C counter (wire.c) counts the frames
// QEMU emits, and the RX blaster counts the frames QEMU took into the NIC. Each tool's own
// figure is recorded beside it. Rows of nicdl commands not built yet are skipped with the
// reason. Results: bench/results/qemu.json, headline ratios merged into summary.json, and
// summary.md/.svg. Options: --seconds S (per measurement, 8), --rounds N (2), --budget S
// (no new round once another would end past this many seconds, 480), --only
// kernel,dpdk,nicdl, --pings N (100), --rx-pps N (RX offered load, 0: as fast as the
// host sender can), --variant [JOBS:]NAME=FLAGS (repeatable: nicdl's rows again with extra
// CLI flags, e.g. poll=--poll or tx:copy=--copy, as tx.60.nicdl_NAME ...; not in the
// headline), --cpu-prof (nicdl under node --cpu-prof: profiles kept in
// bench/results/profiles/, hot functions in qemu.json; slows nicdl, for diagnosis only).
// Rates: over the whole active span, and "steady" without its first second (nicdl's JIT
// warm-up); the headline ratios use the steady rates, each pair from the same round.
import { loadavg } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT, withGuest } from '../../test/e2e/lib/guest.mjs';
import { benchNics, guestOptions, guestTools, HUGEPAGES, MEM_MB, SMP } from './machine.mjs';
import { dpdkHostFiles, ensureDpdk, prepCommand } from './dpdk.mjs';
import { buildWire } from './wire.mjs';
import { nicdlCapabilities } from './nicdl-cli.mjs';
import { dpdk, kernel, nicdl, NO_VARIANT, parseVariant, RX_FRAME_BYTES } from './peers.mjs';

const { values: opt } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
    budget: { type: 'string', default: '480' },
    only: { type: 'string', default: 'kernel,dpdk,nicdl' },
    pings: { type: 'string', default: '100' },
    'rx-pps': { type: 'string', default: '0' },
    'cpu-prof': { type: 'boolean', default: false },
    variant: { type: 'string', multiple: true, default: [] },
  },
});
const VARIANTS = opt.variant.map(parseVariant);
/**
 * nicdl's row `key` of `job` as the CLI runs by default, then one per --variant of that
 * job (key suffixed `_NAME`): [key, skip reason, run] each; `run(variant)` measures.
 */
const nicdlRows = (job, key, missingReason, run) =>
  [NO_VARIANT, ...VARIANTS.filter((v) => v.jobs.includes(job))].map((v) => [
    `${key}${v.suffix}`,
    selected('nicdl', missingReason),
    () => run(v),
  ]);
const SECONDS = Number(opt.seconds);
const ROUNDS = Number(opt.rounds);
const BUDGET_S = Number(opt.budget);
const ONLY = new Set(opt.only.split(','));
// pktgen as the kernel's best: 32 frames per doorbell (xmit_more), each skb sent 1000
// times. kernel_burst1 is pktgen's default (TDT written per frame, a fresh skb each time).
const KERNEL_PKTGEN = { burst: 32, clone: 1000 };
const KERNEL_PKTGEN_DEFAULT = { burst: 1, clone: 0 };
// Goals of issue 10 (ratios to peers measured in the same run).
const GOALS = {
  tx_pps_vs_dpdk: 0.95,
  tx_pps_vs_kernel: 1.0,
  rx_pps_vs_dpdk: 0.95,
  rx_pps_vs_kernel: 1.0,
};

const dist = (p) => import(pathToFileURL(join(PROJECT_ROOT, 'dist', 'bench', p)).href);
const lib = {
  ...(await dist('qemu/parse.js')),
  ...(await dist('qemu/rates.js')),
  ...(await dist('qemu/profile.js')),
};
const { writeSummary } = await dist('qemu/summary.js');
const { writeResult } = await dist('harness.js');

const t0 = Date.now();
const elapsedS = () => (Date.now() - t0) / 1000;
const log = (s) => console.log(`[bench:qemu ${elapsedS().toFixed(0).padStart(3)} s] ${s}`);

/** rows[key] = { rounds: [per-round result | {skipped} | {error}] } */
const rows = {};
const skipReasons = {};

function isGuestDeath(e) {
  return /guest is not running|QEMU (exited|killed)/.test(e?.message ?? '');
}

async function row(key, round, skipReason, fn) {
  rows[key] ??= { rounds: [] };
  if (skipReason) {
    skipReasons[key] = skipReason;
    rows[key].rounds.push({ round, skipped: skipReason });
    log(`${key}: skipped: ${skipReason}`);
    return null;
  }
  const start = Date.now();
  try {
    const r = await fn();
    rows[key].rounds.push({ round, ...r, ms: Date.now() - start });
    const fig =
      'hostPps' in r
        ? `host ${r.hostPps} pps (steady ${r.hostSteadyPps}), tool ${r.toolPps ?? '-'} pps`
        : `p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`;
    log(`${key}: ${fig} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
    return r;
  } catch (e) {
    if (isGuestDeath(e)) throw e;
    rows[key].rounds.push({ round, error: e.message });
    log(`${key}: ERROR ${e.message.split('\n')[0]}`);
    if (e.dpdkUnavailable) dpdkState.error = e.message;
    return null;
  }
}

const selected = (who, reason = null) => (ONLY.has(who) ? reason : 'not selected (--only)');
const dpdkSkip = () =>
  selected('dpdk', dpdkState.error ? `DPDK unavailable: ${dpdkState.error.split('\n')[0]}` : null);

/**
 * One round: each job (TX 60, TX 1514, RX, ping) by every peer back to back, so the
 * figures a ratio pairs were taken seconds apart; even rounds run the peers in reverse
 * order, so a drift in the machine's load does not always favour the same peer.
 */
async function runRound(ctx, round) {
  const k = selected('kernel');
  const caps = ctx.caps;
  const jobs = [
    [
      ['tx.60.kernel', k, () => kernel.tx(ctx, 60, KERNEL_PKTGEN)],
      ['tx.60.kernel_burst1', k, () => kernel.tx(ctx, 60, KERNEL_PKTGEN_DEFAULT)],
      ['tx.60.dpdk', dpdkSkip, () => dpdk.tx(ctx, 60)],
      ...nicdlRows('tx', 'tx.60.nicdl', nicdl.txMissing(caps), (v) => nicdl.tx(ctx, 60, v)),
    ],
    [
      ['tx.1514.kernel', k, () => kernel.tx(ctx, 1514, KERNEL_PKTGEN)],
      ['tx.1514.dpdk', dpdkSkip, () => dpdk.tx(ctx, 1514)],
      ...nicdlRows('tx', 'tx.1514.nicdl', nicdl.txMissing(caps), (v) => nicdl.tx(ctx, 1514, v)),
    ],
    [
      [`rx.${RX_FRAME_BYTES}.kernel`, k, () => kernel.rx(ctx)],
      [`rx.${RX_FRAME_BYTES}.dpdk`, dpdkSkip, () => dpdk.rx(ctx)],
      ...nicdlRows('rx', `rx.${RX_FRAME_BYTES}.nicdl`, nicdl.rxMissing(caps), (v) =>
        nicdl.rx(ctx, v),
      ),
    ],
    [
      ['ping.kernel', k, () => kernel.ping(ctx)],
      ...nicdlRows('ping', 'ping.nicdl', nicdl.pingMissing(caps), (v) => nicdl.ping(ctx, v)),
    ],
  ];
  for (const peers of jobs) {
    const ordered = round % 2 === 0 ? [...peers].reverse() : peers;
    // dpdkSkip is a function: a testpmd failure earlier in the run skips later DPDK rows.
    for (const [key, skip, fn] of ordered)
      await row(key, round, typeof skip === 'function' ? skip() : skip, fn);
  }
}

// ---- aggregation

const ok = (key) => (rows[key]?.rounds ?? []).filter((r) => !r.skipped && !r.error);
const med = (xs) => (xs.length ? Math.round(lib.median(xs)) : null);

function summarizeRow(key) {
  const good = ok(key);
  const all = rows[key].rounds;
  if (key.startsWith('ping.')) {
    // Percentiles over every reply of every round.
    const rtts = good.flatMap((r) => r.rttsMs);
    const q = (p) => (rtts.length ? Math.round(lib.percentile(rtts, p) * 1000) / 1000 : null);
    return { p50Ms: q(50), p99Ms: q(99), replies: rtts.length, rounds: all };
  }
  return {
    hostSteadyPps: med(good.map((r) => r.hostSteadyPps)),
    hostPps: med(good.map((r) => r.hostPps)),
    toolPps: med(good.map((r) => r.toolPps).filter((v) => v != null)),
    rounds: all,
  };
}

/** Median over rounds of candidate/baseline, each pair from the same round. */
function pairedRatio(candKey, baseKey, field = 'hostSteadyPps') {
  const base = new Map(ok(baseKey).map((r) => [r.round, r[field]]));
  const ratios = ok(candKey)
    .filter((r) => base.has(r.round))
    .map((r) => lib.ratio(r[field], base.get(r.round)))
    .filter((v) => v !== null);
  return ratios.length ? Math.round(lib.median(ratios) * 1000) / 1000 : null;
}

function headline(summary) {
  const pps = (key) => summary[key]?.hostSteadyPps ?? null;
  const ms = (key, f) => summary[key]?.[f] ?? null;
  return {
    tx_pps_vs_dpdk: pairedRatio('tx.60.nicdl', 'tx.60.dpdk'),
    tx_pps_vs_kernel: pairedRatio('tx.60.nicdl', 'tx.60.kernel'),
    rx_pps_vs_dpdk: pairedRatio('rx.60.nicdl', 'rx.60.dpdk'),
    rx_pps_vs_kernel: pairedRatio('rx.60.nicdl', 'rx.60.kernel'),
    tx1514_pps_vs_dpdk: pairedRatio('tx.1514.nicdl', 'tx.1514.dpdk'),
    tx1514_pps_vs_kernel: pairedRatio('tx.1514.nicdl', 'tx.1514.kernel'),
    ping_p50_vs_kernel: lib.ratio(ms('ping.nicdl', 'p50Ms'), ms('ping.kernel', 'p50Ms')),
    ping_p99_vs_kernel: lib.ratio(ms('ping.nicdl', 'p99Ms'), ms('ping.kernel', 'p99Ms')),
    qemu_tx_pps_dpdk_vs_kernel: pairedRatio('tx.60.dpdk', 'tx.60.kernel'),
    qemu_rx_pps_dpdk_vs_kernel: pairedRatio('rx.60.dpdk', 'rx.60.kernel'),
    qemu_tx_pps_kernel: pps('tx.60.kernel'),
    qemu_tx_pps_kernel_burst1: pps('tx.60.kernel_burst1'),
    qemu_tx_pps_dpdk: pps('tx.60.dpdk'),
    qemu_tx_pps_nicdl: pps('tx.60.nicdl'),
    qemu_tx1514_pps_kernel: pps('tx.1514.kernel'),
    qemu_tx1514_pps_dpdk: pps('tx.1514.dpdk'),
    qemu_tx1514_pps_nicdl: pps('tx.1514.nicdl'),
    qemu_rx_pps_kernel: pps('rx.60.kernel'),
    qemu_rx_pps_dpdk: pps('rx.60.dpdk'),
    qemu_rx_pps_nicdl: pps('rx.60.nicdl'),
    qemu_ping_p50_ms_kernel: ms('ping.kernel', 'p50Ms'),
    qemu_ping_p99_ms_kernel: ms('ping.kernel', 'p99Ms'),
    qemu_ping_p50_ms_nicdl: ms('ping.nicdl', 'p50Ms'),
    qemu_ping_p99_ms_nicdl: ms('ping.nicdl', 'p99Ms'),
  };
}

/** The same ratios over whole active spans (nicdl's warm-up included). */
function wholeSpanRatios() {
  const r = (a, b) => pairedRatio(a, b, 'hostPps');
  return {
    tx_pps_vs_dpdk: r('tx.60.nicdl', 'tx.60.dpdk'),
    tx_pps_vs_kernel: r('tx.60.nicdl', 'tx.60.kernel'),
    rx_pps_vs_dpdk: r('rx.60.nicdl', 'rx.60.dpdk'),
    rx_pps_vs_kernel: r('rx.60.nicdl', 'rx.60.kernel'),
    tx1514_pps_vs_dpdk: r('tx.1514.nicdl', 'tx.1514.dpdk'),
    tx1514_pps_vs_kernel: r('tx.1514.nicdl', 'tx.1514.kernel'),
  };
}

function goals(head) {
  return Object.fromEntries(
    Object.entries(GOALS).map(([k, limit]) => [
      k,
      { value: head[k], limit, met: head[k] == null ? null : head[k] >= limit },
    ]),
  );
}

function version(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0].trim() : null;
}

// ---- main

const wire = buildWire();
log(`wire tool: ${wire}`);
const dpdkState = ensureDpdk(log);
if (dpdkState.error) log(`DPDK unavailable: ${dpdkState.error}`);
const caps = await nicdlCapabilities(PROJECT_ROOT);
log(
  `nicdl commands: ${[...caps.commands.keys()].join(' ') || '(none)'}${caps.error ? ` (${caps.error})` : ''}`,
);
const { dgram, slirp, qemuArgs } = await benchNics();
const conditions = {
  accel: 'tcg (multi-threaded), no KVM',
  guest: {
    smp: SMP,
    memMb: MEM_MB,
    hugepages2M: HUGEPAGES,
    nics: 'e1000 00:02.0 on -netdev dgram (host wire tool), e1000 00:03.0 on slirp',
  },
  hostCpus: (await import('node:os')).cpus().length,
  loadavgStart: loadavg().map((x) => Math.round(x * 100) / 100),
  qemu: version('qemu-system-x86_64', ['--version']),
  dpdk: dpdkState.version ?? null,
  secondsPerMeasurement: SECONDS,
  roundsRequested: ROUNDS,
  nicdlCpuProfiled: opt['cpu-prof'],
  pktgen: { kernel: KERNEL_PKTGEN, kernel_burst1: KERNEL_PKTGEN_DEFAULT },
  rxLoad: `${RX_FRAME_BYTES}-byte frames from one host process (sendmmsg), ${Number(opt['rx-pps']) ? `paced to ${opt['rx-pps']} pps` : 'as fast as it can'}, once QEMU reads`,
  groundTruth:
    'TX: frames of the size under test counted on the host socket QEMU sends to, over the span from first to last; RX: frames QEMU took off its socket (sent minus socket drops), steady span',
};
let roundsRun = 0;
let guestError = null;
try {
  await withGuest(
    guestOptions({ qemuArgs, hostFiles: dpdkState.error ? [] : dpdkHostFiles(), log }),
    async (g) => {
      conditions.guestKernel = (await g.ok('uname -r')).trim();
      conditions.bootMs = g.bootMs;
      const tools = guestTools(g);
      if (!dpdkState.error && ONLY.has('dpdk')) {
        const r = await g.run(prepCommand(tools.script('dpdk-prep.sh')));
        if (r.code !== 0) dpdkState.error = `preparing EAL in the guest failed: ${r.stderr.trim()}`;
      }
      const ctx = {
        g,
        tools,
        wire,
        dgram,
        slirp,
        caps,
        lib,
        seconds: SECONDS,
        pings: Number(opt.pings),
        rxOfferedPps: Number(opt['rx-pps']),
        cpuProf: opt['cpu-prof'],
        profilesDir: join(PROJECT_ROOT, 'bench', 'results', 'profiles'),
        projectRoot: PROJECT_ROOT,
        round: 0,
        maxRowSeconds: SECONDS + 600,
      };
      for (let round = 1; round <= ROUNDS; round++) {
        const perRound = roundsRun ? (elapsedS() - conditions.bootMs / 1000) / roundsRun : 0;
        if (round > 1 && elapsedS() + perRound > BUDGET_S) {
          log(
            `stopping after ${roundsRun} round(s): another (~${perRound.toFixed(0)} s) would pass the ${BUDGET_S} s budget`,
          );
          break;
        }
        log(`round ${round} of ${ROUNDS}`);
        ctx.round = round;
        await runRound(ctx, round);
        roundsRun++;
      }
    },
  );
} catch (e) {
  guestError = `${e.message}${e.artifacts ? `\n(artifacts: ${e.artifacts})` : ''}`;
  log(`guest failed: ${guestError}`);
}
conditions.roundsRun = roundsRun;
conditions.loadavgEnd = loadavg().map((x) => Math.round(x * 100) / 100);
conditions.wallS = Math.round(elapsedS());

const summary = Object.fromEntries(Object.keys(rows).map((k) => [k, summarizeRow(k)]));
const head = headline(summary);
// A partial (--only) or profiled run is a diagnosis, not a comparison: it gets its own
// file, without a headline, and leaves summary.json alone.
const diagnostic = ONLY.size < 3 || opt['cpu-prof'];
const resultName = diagnostic ? 'qemu-diagnostic' : 'qemu';
writeResult(resultName, {
  conditions,
  dpdk: dpdkState.error
    ? { available: false, error: dpdkState.error }
    : { available: true, version: dpdkState.version },
  nicdl: { commands: [...caps.commands.keys()], skipped: skipReasons },
  ...(guestError ? { guestError } : {}),
  goals: goals(head),
  ratiosWholeSpan: wholeSpanRatios(),
  results: summary,
  ...(diagnostic ? { ratios: head } : { headline: head }),
});
if (!diagnostic) writeSummary(join(PROJECT_ROOT, 'bench', 'results'));
log(
  `wrote bench/results/${resultName}.json${diagnostic ? '' : ', summary.json, summary.md, summary.svg'}`,
);
console.log(
  '\n' +
    Object.entries(head)
      .map(([k, v]) => `  ${k.padEnd(28)} ${v ?? '-'}`)
      .join('\n'),
);
process.exit(guestError ? 1 : 0);
