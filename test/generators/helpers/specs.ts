/**
 * The specs the generator tests run over: the hand-written fixture always, and — once the
 * language front end (spec/index.ts) exists — drivers/e1000/e1000.nicdl and every
 * examples/*.nicdl, lowered by it. A spec that exists but fails to load fails the tests.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Device } from '../../../spec/ir.js';
import { miniIr } from '../fixtures/mini-ir.js';
import { GOLDEN_DIR, REPO } from './golden.js';

export interface SpecCase {
  name: string;
  load(): Promise<Device>;
  /** Golden directory of this spec's docs, C header and JSON. */
  goldenDir: string;
  /** Where this spec's generated TypeScript must match (golden `ts/`, or a driver's generated/). */
  tsDir: string;
  /** What to run when `tsDir` is stale. */
  regenerate: string;
}

const UPDATE = 'NICDL_UPDATE_GOLDEN=1 npx vitest run test/generators/golden.test.ts';

export const FRONT_END = join(REPO, 'spec/index.ts');

/** Lowers a .nicdl file with the front end, from the repo root (paths in the IR are relative). */
export async function loadNicdl(relPath: string): Promise<Device> {
  const mod = (await import(/* @vite-ignore */ join(REPO, 'spec/index.ts'))) as {
    loadIr(p: string): Device | Promise<Device>;
  };
  const cwd = process.cwd();
  process.chdir(REPO);
  try {
    return await mod.loadIr(relPath);
  } finally {
    process.chdir(cwd);
  }
}

export const MINI: SpecCase = {
  name: 'mini',
  load: async () => miniIr(),
  goldenDir: join(GOLDEN_DIR, 'mini'),
  tsDir: join(GOLDEN_DIR, 'mini/ts'),
  regenerate: UPDATE,
};

export const E1000: SpecCase = {
  name: 'e1000',
  load: () => loadNicdl('drivers/e1000/e1000.nicdl'),
  goldenDir: join(GOLDEN_DIR, 'e1000'),
  // The driver's committed generated code is e1000's TypeScript golden: a stale copy fails.
  tsDir: join(REPO, 'drivers/e1000/generated'),
  regenerate: 'npm run generate',
};

/** The 82574L driver's spec: its committed generated code, no goldens of its own. */
export const E1000E: SpecCase = {
  name: 'e1000e',
  load: () => loadNicdl('drivers/e1000e/e1000e.nicdl'),
  goldenDir: '',
  tsDir: join(REPO, 'drivers/e1000e/generated'),
  regenerate: 'npm run generate:e1000e',
};

export function exampleCases(): SpecCase[] {
  const dir = join(REPO, 'examples');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.nicdl'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.nicdl$/, ''),
      load: () => loadNicdl(`examples/${f}`),
      goldenDir: join(GOLDEN_DIR, f.replace(/\.nicdl$/, '')),
      tsDir: join(GOLDEN_DIR, f.replace(/\.nicdl$/, ''), 'ts'),
      regenerate: UPDATE,
    }));
}

/** Every spec the golden tests cover right now. */
export function allCases(): SpecCase[] {
  return existsSync(FRONT_END) ? [MINI, E1000, ...exampleCases()] : [MINI];
}

/** The generated index module of a spec: e1000's committed output, else its golden TS. */
export async function generatedModule(spec: SpecCase): Promise<Record<string, unknown>> {
  const path = join(spec.tsDir, 'index.ts');
  return (await import(/* @vite-ignore */ path)) as Record<string, unknown>;
}
