/**
 * The specs the ring suite runs over — every spec in the repository with rings, plus the
 * generators' hand-written IR — and spec mutants: a copy of the driver specs (imports
 * keep working) with one edit, lowered by the front end.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadIr } from '../../../spec/index.js';
import type { Device } from '../../../spec/ir.js';
import { miniIr } from '../../generators/fixtures/mini-ir.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const E1000_SPEC = join(REPO, 'drivers/e1000/e1000.nicdl');

export interface SpecCase {
  name: string;
  /** The spec file, for replay commands (none for a hand-written IR). */
  path?: string;
  load(): Device;
}

/** drivers/<nic>/*.nicdl and examples/*.nicdl, and the generators' mini IR. */
export function specCases(): SpecCase[] {
  const files = [
    ...nicdlFiles(join(REPO, 'drivers')).filter(
      (f) => !relative(join(REPO, 'drivers'), f).startsWith('common') && !f.includes('/fixtures/'),
    ),
    ...nicdlFiles(join(REPO, 'examples')),
  ];
  return [
    { name: 'mini (hand-written IR)', load: miniIr },
    ...files.map((path) => ({ name: relative(REPO, path), path, load: () => loadIr(path) })),
  ];
}

/**
 * The e1000 spec with `patch` applied to the one source file it changes (the spec may be
 * split over imports). Throws unless exactly one file changed.
 */
export function mutatedE1000(patch: (text: string) => string | undefined): {
  path: string;
  ir: Device;
  cleanup(): void;
} {
  const root = mkdtempSync(join(tmpdir(), 'nicdl-mutant-'));
  const changed: string[] = [];
  for (const file of nicdlFiles(join(REPO, 'drivers'))) {
    const rel = relative(join(REPO, 'drivers'), file);
    const text = readFileSync(file, 'utf8');
    const edited = patch(text);
    if (edited !== undefined && edited !== text) changed.push(rel);
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), edited ?? text);
  }
  if (changed.length !== 1) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(
      `a spec mutant must change exactly one source file; it changed ${changed.length} (${changed.join(', ')})`,
    );
  }
  const path = join(root, relative(join(REPO, 'drivers'), E1000_SPEC));
  return { path, ir: loadIr(path), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

function nicdlFiles(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSafe(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(nicdlFiles(path));
    else if (name.endsWith('.nicdl')) out.push(path);
  }
  return out;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
