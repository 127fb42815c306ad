// Boots the e2e guest under QEMU and drives it: run shell commands (the project tree is at
// /share, the host's node on PATH), talk to its NICs through host peers, and on failure
// keep the console, QEMU's log, the per-NIC pcaps and every command's output.
//
//   await withGuest({ name: 'rx', nics: [{ kind: 'dgram' }] }, async (g) => {
//     await g.ok('ip link set eth0 up');
//     await g.peer.send(frame);
//   });
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGuest, WORK_DIR } from '../guest/build.mjs';
import { hostFiles, stageHostFiles } from '../guest/hostnode.mjs';
import { ControlChannel } from './control.mjs';
import { GUEST_SHARE, MAX_NICS, nicMac, nicPciAddress } from './layout.mjs';
import { Peer, freeUdpPort } from './peer.mjs';
import { QEMU_BINARY, kernelCommandLine, qemuArgs } from './qemu.mjs';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const FAILURES_DIR = join(WORK_DIR, 'failures');
const KEEP_FAILURES = 30;

const DEFAULTS = Object.freeze({
  nics: [{ kind: 'dgram' }, { kind: 'user' }],
  modules: ['share', 'nic', 'vfio'],
  smp: 1,
  memMb: 1024,
  bootTimeoutMs: 90_000,
  commandTimeoutMs: 60_000,
  pcap: true,
});
const POWEROFF_GRACE_MS = 3_000;
const GUEST_POLL_MS = 100;

/**
 * Set by the runner around each scenario: { signal, log, onGuest }. withGuest takes its
 * abort signal (the scenario's timeout) and log from here when the caller passes none, so
 * a scenario that boots its own guests is still killed on time.
 */
export const scenarioContext = new AsyncLocalStorage();

/** The guest did not come up: every later scenario would fail the same way. */
export class GuestBootError extends Error {
  constructor(message) {
    super(message);
    this.name = 'GuestBootError';
  }
}

/** A guest command that exited non-zero (from Guest.ok) or ran out of time. */
export class GuestCommandError extends Error {
  constructor(message, result) {
    super(message);
    this.name = 'GuestCommandError';
    this.result = result;
  }
}

/**
 * Boots a guest, runs `fn(guest)`, always shuts it down. On failure the run directory is
 * copied under test/e2e/.work/failures/ and the error gets `artifacts` (that path).
 * Options: name, nics [{kind: 'dgram'|'user', model='e1000', mac}], modules (groups loaded
 * at boot, see guest/modules.mjs), smp, memMb, bootTimeoutMs, commandTimeoutMs, pcap,
 * append (kernel command line), hostFiles (host programs/directories to share beside node,
 * with their libraries), qemuArgs (extra QEMU arguments, appended), signal (AbortSignal:
 * abort kills QEMU), log (progress lines).
 */
export async function withGuest(options, fn) {
  const ambient = scenarioContext.getStore() ?? {};
  const guest = new Guest({
    ...DEFAULTS,
    ...ambient,
    ...options,
    signal: options.signal ?? ambient.signal,
  });
  ambient.onGuest?.(guest);
  let failure = null;
  try {
    await guest.boot();
    return await fn(guest);
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    await guest.shutdown();
    if (failure) {
      const artifacts = guest.keepArtifacts(failure);
      if (failure && typeof failure === 'object') failure.artifacts = artifacts;
    }
    guest.removeRunDir();
  }
}

export class Guest {
  /** [{ index, kind, model, mac, pciAddress, peer?, pcapPath? }] in PCI slot order. */
  nics = [];
  /** The peer of the first dgram NIC (the usual device under test). */
  peer = null;
  /** Host path of the guest's /ctl (this run's directory, shared read-write). */
  ctlDir;
  runDir;
  bootMs = 0;
  /** Guest uptime (s) when it reported READY: the kernel + init part of bootMs. */
  guestUptimeAtReady = 0;
  #opts;
  #qemu = null;
  #qemuExit = null;
  #control = new ControlChannel();
  #jobs = new Map();
  #nextJob = 1;
  #onAbort = () => this.#kill('aborted (scenario timeout)');
  #dead = null;

  constructor(opts) {
    // A NIC modelled as the 82574L gets its own kernel driver as the original driver.
    const wantsE1000e = opts.nics.some((n) => n.model === 'e1000e');
    const modules =
      wantsE1000e && opts.modules.includes('nic') ? [...opts.modules, 'e1000e'] : opts.modules;
    opts = { ...opts, modules: [...new Set(modules)] };
    this.#opts = opts;
    this.name = opts.name ?? 'guest';
    if (opts.nics.length > MAX_NICS) throw new Error(`at most ${MAX_NICS} NICs`);
  }

  async boot() {
    const t0 = Date.now();
    const o = this.#opts;
    const log = o.log ?? (() => {});
    const image = buildGuest({ log });
    const hostNode = stageHostFiles(WORK_DIR, hostFiles(o.hostFiles));
    this.runDir = mkdtempSync(join(tmpdir(), `nicdl-e2e-${slug(this.name)}-`));
    this.ctlDir = join(this.runDir, 'ctl');
    mkdirSync(this.ctlDir);
    await this.#setUpNics(o);
    const controlSocket = join(this.runDir, 'control.sock');
    await this.#control.listen(controlSocket);
    this.#control.on('done', (id, status) => this.#jobs.get(id)?.finish(status));

    const args = qemuArgs({
      smp: o.smp,
      memMb: o.memMb,
      kernel: image.kernel,
      initrd: image.initrd,
      append: kernelCommandLine({ moduleGroups: o.modules, shell: o.shell, append: o.append }),
      consoleLog: this.consolePath,
      interactive: o.interactive,
      controlSocket,
      nics: this.nics,
      shares: [
        { tag: 'share', hostPath: PROJECT_ROOT, readonly: true },
        { tag: 'ctl', hostPath: this.ctlDir, readonly: false },
        { tag: 'hostnode', hostPath: hostNode, readonly: true },
      ],
    });
    args.push(...(o.qemuArgs ?? []));
    writeFileSync(
      join(this.runDir, 'qemu.cmdline'),
      [QEMU_BINARY, ...args].map(shellQuote).join(' ') + '\n',
    );
    this.#spawn(args);
    o.signal?.addEventListener('abort', this.#onAbort, { once: true });
    if (o.signal?.aborted) this.#onAbort();

    // bootTimeoutMs 0: wait as long as it takes (interactive use).
    const bootTimer =
      o.bootTimeoutMs > 0
        ? setTimeout(() => this.#kill(`no READY within ${o.bootTimeoutMs} ms`), o.bootTimeoutMs)
        : null;
    try {
      this.guestUptimeAtReady = await Promise.race([this.#control.ready, this.#dead]);
    } catch (e) {
      const why = this.#killReason ? `QEMU ${this.#killReason}` : e.message;
      throw new GuestBootError(`${why}\n${this.#diagnosis()}`);
    } finally {
      clearTimeout(bootTimer);
    }
    this.bootMs = Date.now() - t0;
    log(
      `guest ${this.name} booted in ${this.bootMs} ms (guest uptime ${this.guestUptimeAtReady} s)`,
    );
  }

  get consolePath() {
    return join(this.runDir, 'console.log');
  }

  /** The guest console so far (kernel log and init messages). */
  console() {
    return existsSync(this.consolePath) ? readFileSync(this.consolePath, 'latin1') : '';
  }

  /**
   * Starts a shell command in the guest (cwd /share, its own process group) and returns a
   * Job: { id, done: Promise<{code, stdout, stderr, ms}>, output(), waitForOutput(re), kill(sig) }.
   */
  start(command, { env = {}, cwd = GUEST_SHARE, timeoutMs = this.#opts.commandTimeoutMs } = {}) {
    if (this.#dead.settled) throw new Error(`guest is not running: ${this.#dead.reason}`);
    const id = String(this.#nextJob++);
    const exports = Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(String(v))}\n`);
    writeFileSync(
      join(this.ctlDir, `${id}.sh`),
      `cd ${shellQuote(cwd)} || exit 97\n${exports.join('')}${command}\n`,
    );
    const job = new Job(this, id, command, timeoutMs);
    this.#jobs.set(id, job);
    this.#control.send(`RUN ${id}`);
    this.#dead.then(
      () => {},
      (e) => job.fail(e),
    );
    return job;
  }

  /** Runs a command to completion: { code, stdout, stderr, ms }. Never throws on exit code. */
  run(command, opts) {
    return this.start(command, opts).done;
  }

  /** Runs a command that must exit 0; returns its stdout, throws GuestCommandError otherwise. */
  async ok(command, opts) {
    const r = await this.run(command, opts);
    if (r.code !== 0) {
      throw new GuestCommandError(
        `guest command failed (exit ${r.code}): ${command}\n${formatOutput(r)}`,
        r,
      );
    }
    return r.stdout;
  }

  /** `nicdl ARGS` in the guest, from the project tree's bin/run.js with the host's node. */
  nicdl(args, opts) {
    return this.run(`node ${GUEST_SHARE}/bin/run.js ${args}`, opts);
  }

  /**
   * Waits, inside the guest, until the shell condition `condition` succeeds (one round
   * trip, polled every 100 ms there). Throws with `what` after `timeoutMs`.
   */
  async waitFor(condition, { timeoutMs = 15_000, what = condition } = {}) {
    const tries = Math.ceil(timeoutMs / GUEST_POLL_MS);
    const r = await this.run(
      `i=0; until ${condition}; do i=$((i+1)); [ $i -ge ${tries} ] && exit 1; sleep ${GUEST_POLL_MS / 1000}; done`,
      { timeoutMs: timeoutMs + this.#opts.commandTimeoutMs },
    );
    if (r.code !== 0)
      throw new GuestCommandError(
        `guest: timed out after ${timeoutMs} ms waiting for ${what}\n${formatOutput(r)}`,
        r,
      );
  }

  /** The kernel's network interface name of NIC `index` (e.g. eth0), or null if unbound. */
  async netdev(index) {
    const addr = this.nics[index].pciAddress;
    const r = await this.run(`ls /sys/bus/pci/devices/${addr}/net 2>/dev/null`);
    return r.stdout.trim().split(/\s+/)[0] || null;
  }

  /** The driver bound to PCI device `address` per sysfs, or null. */
  async pciDriver(address) {
    const r = await this.run(`readlink /sys/bus/pci/devices/${address}/driver`);
    return r.code === 0 ? r.stdout.trim().split('/').pop() : null;
  }

  /** Sends a KILL request for a job (used by Job.kill). */
  signalJob(id, signal) {
    this.#control.send(`KILL ${id} ${signal}`);
  }

  /** Resolves when QEMU has exited (the guest powered off, or was killed). */
  async exited() {
    await this.#dead.catch(() => {});
  }

  async shutdown() {
    this.#opts.signal?.removeEventListener('abort', this.#onAbort);
    if (this.#qemu && !this.#dead.settled) {
      this.#control.send('POWEROFF');
      const timer = setTimeout(() => this.#kill('did not power off in time'), POWEROFF_GRACE_MS);
      await this.#dead.catch(() => {});
      clearTimeout(timer);
    }
    this.#control.close();
    await Promise.all(this.nics.filter((n) => n.peer).map((n) => n.peer.close()));
  }

  /** Copies this run's files under FAILURES_DIR; returns that path. */
  keepArtifacts(error) {
    if (!this.runDir || !existsSync(this.runDir)) return null;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const dest = join(FAILURES_DIR, `${slug(this.name)}-${stamp}-${process.pid}`);
    mkdirSync(FAILURES_DIR, { recursive: true });
    writeFileSync(join(this.runDir, 'error.txt'), `${error?.stack ?? error}\n`);
    cpSync(this.runDir, dest, { recursive: true, filter: (src) => !src.endsWith('.sock') });
    pruneFailures();
    return dest;
  }

  removeRunDir() {
    if (this.runDir) rmSync(this.runDir, { recursive: true, force: true });
  }

  async #setUpNics(o) {
    for (const [index, spec] of o.nics.entries()) {
      const nic = {
        index,
        kind: spec.kind,
        model: spec.model ?? 'e1000',
        mac: spec.mac ?? nicMac(index),
        pciAddress: nicPciAddress(index),
        pcapPath: (spec.pcap ?? o.pcap) ? join(this.runDir, `nic${index}-${spec.kind}.pcap`) : null,
      };
      if (spec.kind === 'dgram') {
        nic.peer = await Peer.open();
        nic.peerPort = nic.peer.port;
        nic.qemuPort = await freeUdpPort();
        nic.peer.connect(nic.qemuPort);
        this.peer ??= nic.peer;
      } else if (spec.kind !== 'user') {
        throw new Error(`unknown NIC kind ${spec.kind} (dgram or user)`);
      }
      this.nics.push(nic);
    }
  }

  #spawn(args) {
    const logPath = join(this.runDir, 'qemu.log');
    writeFileSync(logPath, '');
    // Interactive (shell.mjs): the terminal is the guest console, QEMU's errors still logged.
    const stdio = this.#opts.interactive
      ? ['inherit', 'inherit', 'pipe']
      : ['ignore', 'pipe', 'pipe'];
    this.#qemu = spawn(QEMU_BINARY, args, { stdio });
    const append = (d) => writeFileSync(logPath, d, { flag: 'a' });
    this.#qemu.stdout?.on('data', append);
    this.#qemu.stderr.on('data', append);
    let settle;
    this.#dead = new Promise((_, reject) => (settle = reject));
    this.#dead.catch(() => {});
    this.#dead.settled = false;
    const die = (reason) => {
      if (this.#dead.settled) return;
      this.#dead.settled = true;
      this.#dead.reason = reason;
      settle(new Error(`QEMU ${reason}`));
    };
    this.#qemu.on('error', (e) =>
      die(`could not start: ${e.message} (apt-get install qemu-system-x86)`),
    );
    this.#qemu.on('exit', (code, sig) =>
      die(this.#killReason ?? `exited (${sig ?? `code ${code}`})`),
    );
  }

  #killReason = null;

  #kill(reason) {
    if (!this.#qemu || this.#dead.settled) return;
    this.#killReason ??= `killed: ${reason}`;
    this.#qemu.kill('SIGKILL');
  }

  #diagnosis() {
    const qemuLog = readTail(join(this.runDir, 'qemu.log'), 2000);
    const consoleTail = readTail(this.consolePath, 3000).replaceAll('\r', '');
    return `--- qemu.log (tail) ---\n${qemuLog}\n--- console (tail) ---\n${consoleTail}`;
  }
}

/** A command running in the guest. */
export class Job {
  #guest;
  #timer;
  #resolve;
  #reject;
  #t0 = Date.now();
  #settled = false;

  constructor(guest, id, command, timeoutMs) {
    this.#guest = guest;
    this.id = id;
    this.command = command;
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.done.catch(() => {});
    if (timeoutMs > 0) this.#timer = setTimeout(() => this.#timeout(timeoutMs), timeoutMs);
  }

  /** stdout written so far (the guest writes it straight into the shared run directory). */
  output() {
    return readOr(join(this.#guest.ctlDir, `${this.id}.out`));
  }

  stderr() {
    return readOr(join(this.#guest.ctlDir, `${this.id}.err`));
  }

  /** Resolves when stdout matches `pattern` (polls the shared file). */
  async waitForOutput(pattern, { timeoutMs = 30_000, pollMs = 50 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const out = this.output();
      const m = out.match(pattern);
      if (m) return m;
      if (this.#settled)
        throw new Error(
          `job ${this.id} ended without printing ${pattern}:\n${out}${this.stderr()}`,
        );
      if (Date.now() > deadline)
        throw new Error(
          `job ${this.id} printed no ${pattern} in ${timeoutMs} ms:\n${out}${this.stderr()}`,
        );
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Signals the job's whole process group (TERM, INT, KILL...). */
  kill(signal = 'TERM') {
    this.#guest.signalJob(this.id, signal.replace(/^SIG/, ''));
  }

  finish(status) {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#resolve({
      code: status,
      stdout: this.output(),
      stderr: this.stderr(),
      ms: Date.now() - this.#t0,
    });
  }

  fail(error) {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#reject(
      new GuestCommandError(`${error.message} (while running: ${this.command})`, this.#partial()),
    );
  }

  #timeout(ms) {
    this.kill('KILL');
    this.fail(
      new Error(`guest command timed out after ${ms} ms\n${formatOutput(this.#partial())}`),
    );
  }

  #partial() {
    return { code: null, stdout: this.output(), stderr: this.stderr(), ms: Date.now() - this.#t0 };
  }
}

export function formatOutput(r) {
  const parts = [];
  if (r.stdout) parts.push(`--- stdout ---\n${r.stdout.trimEnd()}`);
  if (r.stderr) parts.push(`--- stderr ---\n${r.stderr.trimEnd()}`);
  return parts.join('\n');
}

function pruneFailures() {
  const dirs = readdirSync(FAILURES_DIR)
    .map((d) => ({ d, t: statSync(join(FAILURES_DIR, d)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { d } of dirs.slice(KEEP_FAILURES))
    rmSync(join(FAILURES_DIR, d), { recursive: true, force: true });
}

function readOr(path, fallback = '') {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

function readTail(path, bytes) {
  const text = readOr(path, '(none)');
  return text.length > bytes ? '...' + text.slice(-bytes) : text;
}

const slug = (s) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'guest';

export function shellQuote(s) {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
