#!/usr/bin/env node
// Runs the QEMU end-to-end scenarios (test/e2e/scenarios/*.mjs), each in a freshly booted
// guest, one after another. Prints one line per scenario with its time, keeps the
// artifacts of every failure, and ends with the line "N passed, N failed" (exit 1 on any
// failure). A guest that cannot be built or booted is a failure, never a skip.
//
//   node test/e2e/run.mjs [--list] [FILTER...]     FILTER: substring of file or scenario name
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { buildGuest } from './guest/build.mjs';
import { GuestBootError, PROJECT_ROOT, scenarioContext, withGuest } from './lib/guest.mjs';
import { QEMU_BINARY } from './lib/qemu.mjs';
import { builtCommands, missingRequirement } from './lib/nicdl.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// NICDL_E2E_SCENARIO_DIR: another directory of scenarios (used to test this runner).
const SCENARIO_DIR = process.env.NICDL_E2E_SCENARIO_DIR ?? join(here, 'scenarios');
const DEFAULT_SCENARIO_TIMEOUT_MS = 180_000;

const args = process.argv.slice(2);
const listOnly = args.includes('--list');
const filters = args.filter((a) => !a.startsWith('--'));
const abortAll = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    console.error(`\ne2e: ${sig}, stopping`);
    abortAll.abort();
    setTimeout(() => process.exit(130), 5000).unref();
  });
}

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const indent = (text) => String(text).replace(/^/gm, '      ');

async function loadScenarios() {
  const files = readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.mjs'))
    .sort();
  const all = [];
  for (const file of files) {
    const mod = await import(pathToFileURL(join(SCENARIO_DIR, file)).href);
    if (typeof mod.default === 'function') {
      // A scenario that boots its own guest(s): export default async function (t) {...}
      const { name = file.replace(/\.mjs$/, ''), requires, timeoutMs } = mod;
      all.push({ name, requires, timeoutMs, file, selfBooting: true, run: mod.default });
      continue;
    }
    const list = Array.isArray(mod.default) ? mod.default : [mod.default];
    for (const s of list) {
      if (!s || typeof s.run !== 'function' || !s.name) {
        throw new Error(
          `${file}: default export must be { name, run }, an array of them, or an async function`,
        );
      }
      all.push({ ...s, file });
    }
  }
  return all.filter(
    (s) => filters.length === 0 || filters.some((f) => s.file.includes(f) || s.name.includes(f)),
  );
}

/** Fails loudly, before any scenario, when the guest cannot even be assembled. */
function preflight() {
  const q = spawnSync(QEMU_BINARY, ['--version'], { encoding: 'utf8' });
  if (q.error || q.status !== 0) {
    throw new Error(
      `${QEMU_BINARY} not runnable (apt-get install qemu-system-x86): ${q.error?.message ?? q.stderr}`,
    );
  }
  const t0 = Date.now();
  const guest = buildGuest({ log: (m) => console.log(`e2e: ${m}`) });
  return { qemu: q.stdout.split('\n')[0], guest, buildMs: Date.now() - t0 };
}

async function runScenario(s) {
  const timeoutMs = s.timeoutMs ?? DEFAULT_SCENARIO_TIMEOUT_MS;
  const controller = new AbortController();
  const onAbortAll = () => controller.abort();
  abortAll.signal.addEventListener('abort', onAbortAll);
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const steps = [];
  const t = {
    log: (msg) => console.log(indent(msg)),
    /** Times a named part of the scenario; the times are printed under its result line. */
    step: async (name, fn) => {
      const t0 = Date.now();
      try {
        return await fn();
      } finally {
        steps.push(`${name} ${secs(Date.now() - t0)}`);
      }
    },
  };
  const t0 = Date.now();
  let guest = null;
  const timeout = new Promise((_, reject) =>
    controller.signal.addEventListener('abort', () =>
      reject(
        new Error(
          abortAll.signal.aborted ? 'interrupted' : `scenario timed out after ${secs(timeoutMs)}`,
        ),
      ),
    ),
  );
  timeout.catch(() => {});
  const context = { signal: controller.signal, onGuest: (g) => (guest ??= g) };
  try {
    await scenarioContext.run(context, async () => {
      if (s.selfBooting) {
        await Promise.race([s.run({ ...t, signal: controller.signal }), timeout]);
        return;
      }
      await withGuest({ ...s.guest, name: s.name }, (g) => Promise.race([s.run(g, t), timeout]));
    });
    return { ok: true, ms: Date.now() - t0, bootMs: guest?.bootMs, steps };
  } catch (error) {
    return { ok: false, ms: Date.now() - t0, bootMs: guest?.bootMs, steps, error };
  } finally {
    clearTimeout(timer);
    abortAll.signal.removeEventListener('abort', onAbortAll);
  }
}

async function main() {
  const scenarios = await loadScenarios();
  if (listOnly) {
    for (const s of scenarios) console.log(`${s.file}: ${s.name}`);
    return 0;
  }
  const commands = await builtCommands(PROJECT_ROOT);
  let passed = 0;
  let failed = 0;
  const skipped = [];
  const t0 = Date.now();
  try {
    const p = preflight();
    console.log(
      `e2e: ${p.qemu}; guest ${p.guest.key} (${p.buildMs < 50 ? 'cached' : `built in ${secs(p.buildMs)}`})`,
    );
  } catch (e) {
    console.error(`e2e: FAIL cannot build the guest: ${e.message}`);
    console.log(`0 passed, 1 failed`);
    return 1;
  }
  let bootBroken = null;
  for (const s of scenarios) {
    const why = missingRequirement(s.requires, commands);
    if (why) {
      skipped.push(s);
      console.log(`SKIP  ${s.name}  (${why})`);
      continue;
    }
    if (bootBroken || abortAll.signal.aborted) {
      failed++;
      console.log(
        `FAIL  ${s.name}  (not run: ${bootBroken ? 'the guest does not boot' : 'interrupted'})`,
      );
      continue;
    }
    const r = await runScenario(s);
    const timing = `${secs(r.ms)}${r.bootMs ? `, boot ${secs(r.bootMs)}` : ''}`;
    if (r.ok) {
      passed++;
      console.log(`PASS  ${s.name}  (${timing})`);
    } else {
      failed++;
      console.log(`FAIL  ${s.name}  (${timing})`);
      console.log(indent(r.error?.stack ?? r.error));
      if (r.error?.artifacts) console.log(`      artifacts: ${r.error.artifacts}`);
      if (r.error instanceof GuestBootError && !abortAll.signal.aborted && !r.bootMs)
        bootBroken = r.error;
    }
    if (r.steps.length) console.log(`      steps: ${r.steps.join(', ')}`);
  }
  console.log(`e2e: total ${secs(Date.now() - t0)}`);
  if (skipped.length) console.log(`${skipped.length} skipped`);
  if (passed + failed === 0) {
    console.error('e2e: no scenario ran');
    failed++;
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
