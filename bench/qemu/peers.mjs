// One function per table row: a peer (Linux kernel driver, DPDK testpmd, nicdl) doing one
// job (TX at a frame size, RX, ping) in the running bench guest. Each returns the host's
// ground truth beside the tool's own figure, or throws (run.mjs records the error).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { HOST_MAC } from './machine.mjs';
import { testpmdCommand } from './dpdk.mjs';
import { startBlast, startCounter } from './wire.mjs';
import { missing } from './nicdl-cli.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Generous: under TCG with the team's jobs on the same 2 cores, start-up times vary 3x.
const TOOL_START_TIMEOUT_MS = 120_000;
const SLIRP_GUEST_IP = '10.0.2.15/24';
const SLIRP_GATEWAY = '10.0.2.2';
const PING_INTERVAL_S = 0.05;
const PING_WARMUP = 2;
const PROFILE_TOP = 15;
// Frames in the RX blast: the minimum Ethernet frame without FCS.
export const RX_FRAME_BYTES = 60;

/** Tail of a command's output, for error messages. */
const tail = (r, n = 800) => `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().slice(-n);

/**
 * TX: the host counts the frames of `sizeBytes` QEMU puts on the wire while `runTool`
 * sends; the rate is over the span between the first and the last of them.
 */
async function measureTx(ctx, sizeBytes, runTool) {
  const counter = startCounter(ctx.wire, ctx.dgram.hostPort, sizeBytes, ctx.maxRowSeconds);
  await counter.ready;
  let tool;
  let host;
  try {
    tool = await runTool();
  } finally {
    host = await counter.stop();
  }
  const span = ctx.lib.activeSpanRate(host.bins, host.binMs);
  const otherSizes = Object.entries(host.sizes).filter(([s]) => Number(s) !== sizeBytes);
  return {
    hostPps: Math.round(span.pps),
    hostSteadyPps: Math.round(span.steadyPps),
    toolPps: tool.toolPps == null ? null : Math.round(tool.toolPps),
    hostFrames: span.frames,
    // Lost at the host counter's socket (it was descheduled too long): the host figures miss them.
    hostDropped: host.dropped,
    spanMs: span.spanMs,
    ...(otherSizes.length ? { otherFrameSizes: Object.fromEntries(otherSizes) } : {}),
    ...tool.extra,
  };
}

/**
 * RX: the host blaster starts at once but only trickles until QEMU reads its socket (the
 * receiver has RX enabled), then sends as fast as it can while `runTool` receives. The
 * host's figure is the frames QEMU took into the NIC (sent minus dropped at its socket).
 * The caller must have taken the NIC from any other receiver first (see quietNic).
 */
async function measureRx(ctx, loadSeconds, runTool) {
  const blast = startBlast(ctx.wire, ctx.dgram.qemuPort, {
    sizeBytes: RX_FRAME_BYTES,
    seconds: loadSeconds,
    pps: ctx.rxOfferedPps,
    dstMac: ctx.dgram.mac,
  });
  let tool;
  let sent;
  try {
    tool = await runTool();
  } finally {
    sent = await blast.stop();
  }
  if (sent.waitedS < 0) throw new Error('QEMU never read the wire: the receiver did not enable RX');
  const steady = ctx.lib.steadyRate(sent.accepted, sent.binMs);
  return {
    hostPps: Math.round(steady.pps),
    hostSteadyPps: Math.round(steady.steadyPps),
    toolPps: tool.toolPps == null ? null : Math.round(tool.toolPps),
    // Every frame QEMU took while the load ran, to set beside the tool's own count.
    hostFrames: sent.accepted.reduce((a, b) => a + b, 0),
    offeredPps: sent.pps,
    sent: sent.sent,
    droppedAtQemuSocket: sent.dropped,
    waitedForReceiverS: sent.waitedS,
    spanMs: steady.spanMs,
    ...tool.extra,
  };
}

function pingFigures(ctx, rttsMs) {
  if (rttsMs.length === 0) throw new Error('no round-trip times');
  const p = (q) => Math.round(ctx.lib.percentile(rttsMs, q) * 1000) / 1000;
  return { p50Ms: p(50), p99Ms: p(99), replies: rttsMs.length, minMs: p(0), maxMs: p(100), rttsMs };
}

/**
 * Takes nic0 from the kernel's driver (whose interface may still be up and receiving from
 * an earlier row) before a userspace receiver's RX row, so the load cannot start early.
 */
const quietNic = (ctx) => ctx.tools.bind(ctx.dgram.pciAddress, 'vfio-pci');

// ---- the Linux kernel's e1000 driver

export const kernel = {
  /** pktgen with `burst` frames per doorbell and `clone` reuses of each skb. */
  async tx(ctx, sizeBytes, { burst, clone }) {
    const iface = await ctx.tools.netdevUp(ctx.dgram.pciAddress);
    return measureTx(ctx, sizeBytes, async () => {
      const r = await ctx.g.run(
        `sh ${ctx.tools.script('pktgen.sh')} ${iface} ${sizeBytes} ${ctx.seconds} ${HOST_MAC} ${burst} ${clone}`,
        { timeoutMs: (ctx.seconds + 60) * 1000 },
      );
      const report = ctx.lib.parsePktgen(r.stdout);
      if (r.code !== 0 || !report) throw new Error(`pktgen failed (exit ${r.code}): ${tail(r)}`);
      return {
        toolPps: report.pps,
        extra: { toolPackets: report.packets, pktgen: { burst, cloneSkb: clone } },
      };
    });
  },

  async rx(ctx) {
    const iface = await ctx.tools.netdevUp(ctx.dgram.pciAddress);
    // Sample the driver's counter once a second inside the load (it receives at once).
    return measureRx(ctx, ctx.seconds + 3, async () => {
      await sleep(500);
      const r = await ctx.g.run(`sh ${ctx.tools.script('rx-counter.sh')} ${iface} ${ctx.seconds}`);
      const rates = ctx.lib.intervalRates(ctx.lib.parseCounterSamples(r.stdout));
      if (r.code !== 0 || rates.length === 0) throw new Error(`rx counter failed: ${tail(r)}`);
      return { toolPps: ctx.lib.median(rates), extra: { toolSamplesPps: rates.map(Math.round) } };
    });
  },

  async ping(ctx) {
    await ctx.tools.netdevUp(ctx.slirp.pciAddress, SLIRP_GUEST_IP);
    // Warm-up pings, not measured: they resolve 10.0.2.2 by ARP and wait out QEMU's 1 s
    // of refusing frames after the driver's RCTL write at link up (hardware.md).
    await ctx.g.run(`ping -c ${PING_WARMUP} -W 5 ${SLIRP_GATEWAY}`);
    const r = await ctx.g.run(`ping -c ${ctx.pings} -i ${PING_INTERVAL_S} -W 5 ${SLIRP_GATEWAY}`, {
      timeoutMs: (ctx.pings * PING_INTERVAL_S + 30) * 1000,
    });
    if (r.code !== 0) throw new Error(`ping failed (exit ${r.code}): ${tail(r)}`);
    return {
      ...pingFigures(ctx, ctx.lib.parsePingRtts(r.stdout)),
      sent: ctx.pings,
      intervalS: PING_INTERVAL_S,
    };
  },
};

// ---- DPDK testpmd (txonly / rxonly) on vfio-pci

async function runTestpmd(ctx, options, whileRunning) {
  await ctx.tools.bind(ctx.dgram.pciAddress, 'vfio-pci');
  const job = ctx.g.start(testpmdCommand({ pciAddress: ctx.dgram.pciAddress, ...options }), {
    timeoutMs: TOOL_START_TIMEOUT_MS + ctx.maxRowSeconds * 1000,
  });
  const t0 = Date.now();
  try {
    // Printed once forwarding has started (stats every second from then on).
    await job.waitForOutput(/Port statistics/, { timeoutMs: TOOL_START_TIMEOUT_MS });
  } catch (e) {
    job.kill('KILL');
    const r = await job.done.catch((x) => x.result ?? {});
    const why = ctx.lib.testpmdError(`${r.stdout ?? ''}\n${r.stderr ?? ''}`);
    const err = new Error(
      `testpmd did not start: ${why ?? e.message.split('\n')[0]}\n${tail(r, 1500)}`,
    );
    err.dpdkUnavailable = true;
    throw err;
  }
  const startMs = Date.now() - t0;
  await whileRunning();
  job.kill('INT');
  const r = await job.done;
  return { output: `${r.stdout}\n${r.stderr}`, startMs };
}

export const dpdk = {
  async tx(ctx, sizeBytes) {
    return measureTx(ctx, sizeBytes, async () => {
      const { output, startMs } = await runTestpmd(
        ctx,
        { mode: 'txonly', sizeBytes, peerMac: HOST_MAC },
        () => sleep(ctx.seconds * 1000),
      );
      const rep = ctx.lib.parseTestpmd(output, 'tx');
      return {
        toolPps: rep.pps,
        extra: { toolPackets: rep.packets, toolSamplesPps: rep.ppsSamples, startMs },
      };
    });
  },

  async rx(ctx) {
    await quietNic(ctx);
    return measureRx(ctx, ctx.maxRowSeconds, async () => {
      const { output, startMs } = await runTestpmd(ctx, { mode: 'rxonly' }, () =>
        sleep(ctx.seconds * 1000),
      );
      const rep = ctx.lib.parseTestpmd(output, 'rx');
      return {
        toolPps: rep.pps,
        extra: { toolPackets: rep.packets, toolSamplesPps: rep.ppsSamples, startMs },
      };
    });
  },
};

// ---- nicdl (bin/run.js from the shared project tree, the host's node)

const NICDL = 'node /share/bin/run.js';
const GUEST_PROFILES = '/ctl/prof';

/** The nicdl command prefix; with --cpu-prof, node writes a CPU profile per row. */
function nicdlCommand(ctx, key) {
  if (!ctx.cpuProf) return NICDL;
  const dir = `${GUEST_PROFILES}/${key}-r${ctx.round}`;
  return `mkdir -p ${dir} && node --cpu-prof --cpu-prof-dir=${dir} /share/bin/run.js`;
}

/** With --cpu-prof: keeps the row's profile under bench/results/profiles/, returns its hot spots. */
function collectProfile(ctx, key) {
  if (!ctx.cpuProf) return {};
  const dir = join(ctx.g.ctlDir, 'prof', `${key}-r${ctx.round}`);
  const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.cpuprofile')) : null;
  if (!file) return { profile: 'none written' };
  mkdirSync(ctx.profilesDir, { recursive: true });
  const kept = join(ctx.profilesDir, `${key}-r${ctx.round}.cpuprofile`);
  copyFileSync(join(dir, file), kept);
  const hot = ctx.lib.hotFunctions(JSON.parse(readFileSync(kept, 'utf8')), PROFILE_TOP);
  return { profile: relative(ctx.projectRoot, kept), profileTop: hot };
}

/** The nicdl rows as the CLI runs by default. */
export const NO_VARIANT = { name: '', suffix: '', flags: '', jobs: [] };
const VARIANT_JOBS = ['tx', 'rx', 'ping'];

/**
 * `--variant [JOBS:]NAME=FLAGS` of bench/qemu/run.mjs: nicdl's rows again with extra CLI
 * flags (e.g. `poll=--poll`, or `tx:copy=--copy` for the TX rows only; JOBS is a
 * +-separated subset of tx, rx, ping), recorded as `tx.60.nicdl_NAME` etc. beside the
 * default rows. `jobs` says which rows the variant repeats.
 */
export function parseVariant(text) {
  const m = /^(?:([a-z+]+):)?([a-z0-9]+)(?:=(.*))?$/i.exec(text);
  const jobs = m?.[1] ? m[1].split('+') : VARIANT_JOBS;
  if (!m || !jobs.every((j) => VARIANT_JOBS.includes(j)))
    throw new Error(`--variant ${text}: expected [tx+rx+ping:]NAME=FLAGS`);
  const flags = (m[3] ?? '').trim();
  return { name: m[2], suffix: `_${m[2]}`, flags: flags ? ` ${flags}` : '', jobs };
}

export const nicdl = {
  /** Why this row cannot run with the CLI as built, or null. */
  txMissing: (caps) => missing(caps, 'pktgen', ['pci', 'size', 'duration']),
  rxMissing(caps) {
    const recv = missing(caps, 'recv', ['pci', 'timeout']);
    if (!recv) return null;
    const pktgen = caps.commands.get('pktgen');
    if (pktgen?.includes('rx')) return null;
    return `${recv}; and nicdl pktgen has no --rx mode`;
  },
  pingMissing: (caps) => missing(caps, 'ping', ['pci']),

  /** `variant`: a --variant of the run ({ name, flags }), its row key suffixed `_name`. */
  async tx(ctx, sizeBytes, variant = NO_VARIANT) {
    const key = `tx.${sizeBytes}.nicdl${variant.suffix}`;
    return measureTx(ctx, sizeBytes, async () => {
      const r = await ctx.g.run(
        `${nicdlCommand(ctx, key)} pktgen --pci ${ctx.dgram.pciAddress} --size ${sizeBytes} --duration ${ctx.seconds}` +
          `${ctx.caps.commands.get('pktgen').includes('dst') ? ` --dst ${HOST_MAC}` : ''}${variant.flags} --json`,
        { timeoutMs: TOOL_START_TIMEOUT_MS + ctx.seconds * 1000 },
      );
      const json = ctx.lib.parseCommandJson(r.stdout);
      if (r.code !== 0) throw new Error(`nicdl pktgen failed (exit ${r.code}): ${tail(r)}`);
      return {
        toolPps: ctx.lib.commandPps(json),
        extra: { toolJson: json, wallMs: r.ms, ...collectProfile(ctx, key) },
      };
    });
  },

  /** `recv` for --seconds of device time (--timeout), or `pktgen --rx` once it exists. */
  async rx(ctx, variant = NO_VARIANT) {
    const key = `rx.${RX_FRAME_BYTES}.nicdl${variant.suffix}`;
    const nicdlCmd = nicdlCommand(ctx, key);
    const recv = ctx.caps.commands.get('recv');
    const cmd = recv
      ? `${nicdlCmd} recv --pci ${ctx.dgram.pciAddress} --timeout ${ctx.seconds * 1000}${recv.includes('quiet') ? ' --quiet' : ''}${variant.flags} --json`
      : `${nicdlCmd} pktgen --rx --pci ${ctx.dgram.pciAddress} --duration ${ctx.seconds}${variant.flags} --json`;
    await quietNic(ctx);
    return measureRx(ctx, ctx.maxRowSeconds, async () => {
      const r = await ctx.g.run(cmd, { timeoutMs: TOOL_START_TIMEOUT_MS + ctx.seconds * 1000 });
      const json = ctx.lib.parseCommandJson(r.stdout);
      if (r.code !== 0) throw new Error(`${cmd} failed (exit ${r.code}): ${tail(r)}`);
      // recv reports a count and no elapsed time (its --timeout window includes bring-up
      // and QEMU's 1 s RX quiet time after the RCTL write): only its count is its own figure.
      const { frames: _frames, ...brief } = json ?? {};
      return {
        toolPps: ctx.lib.commandPps(brief),
        extra: {
          toolPackets: brief.received ?? null,
          toolJson: brief,
          command: cmd,
          wallMs: r.ms,
          ...collectProfile(ctx, key),
        },
      };
    });
  },

  async ping(ctx, variant = NO_VARIANT) {
    const key = `ping.nicdl${variant.suffix}`;
    const flags = ctx.caps.commands.get('ping');
    const args = [
      `${nicdlCommand(ctx, key)} ping ${SLIRP_GATEWAY} --pci ${ctx.slirp.pciAddress}${variant.flags}`,
    ];
    if (flags.includes('count')) args.push(`--count ${ctx.pings + 1}`);
    if (flags.includes('interval')) args.push(`--interval ${PING_INTERVAL_S}`);
    const ipFlag = ['ip', 'src-ip', 'source-ip', 'local-ip', 'address'].find((f) =>
      flags.includes(f),
    );
    if (ipFlag) args.push(`--${ipFlag} ${SLIRP_GUEST_IP}`);
    args.push('--json');
    const cmd = args.join(' ');
    const r = await ctx.g.run(cmd, { timeoutMs: TOOL_START_TIMEOUT_MS + ctx.pings * 2000 });
    const json = ctx.lib.parseCommandJson(r.stdout);
    if (r.code !== 0) throw new Error(`nicdl ping failed (exit ${r.code}): ${tail(r)}`);
    // Its first request waits for ARP (the kernel's was resolved by the warm-up): not counted.
    const rtts = ctx.lib.commandRttsMs(json).slice(1);
    return {
      ...pingFigures(ctx, rtts),
      command: cmd,
      firstReplyDropped: true,
      toolJson: json,
      ...collectProfile(ctx, key),
    };
  },
};
