/**
 * What `bind` took away, so that `unbind` — usually a later process — can give it back:
 * a small JSON file mapping each address nicdl bound to vfio-pci to the driver it had.
 * It lives in /run/nicdl (cleared at boot, like the bindings themselves), or under the
 * system temp directory when /run is not writable.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BindingRecord {
  /** Driver bound before nicdl took the device; null when it had none. */
  originalDriver: string | null;
  /** ISO time of the bind. */
  boundAt: string;
}

const STATE_FILE = 'bindings.json';
const RUN_DIR = '/run/nicdl';

function defaultStateDir(): string {
  try {
    mkdirSync(RUN_DIR, { recursive: true });
    return RUN_DIR;
  } catch {
    return join(tmpdir(), 'nicdl');
  }
}

export class BindingState {
  private readonly file: string;

  constructor(stateDir?: string) {
    const dir = stateDir ?? defaultStateDir();
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, STATE_FILE);
  }

  private readAll(): Record<string, BindingRecord> {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, BindingRecord>;
    } catch {
      return {};
    }
  }

  private writeAll(all: Record<string, BindingRecord>): void {
    // Write then rename: a crash never leaves half a file behind.
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n');
    renameSync(tmp, this.file);
  }

  get(address: string): BindingRecord | undefined {
    return this.readAll()[address];
  }

  /** Remember the original driver; an existing record (an earlier bind) is kept. */
  remember(address: string, originalDriver: string | null): void {
    const all = this.readAll();
    all[address] ??= { originalDriver, boundAt: new Date().toISOString() };
    this.writeAll(all);
  }

  forget(address: string): void {
    const all = this.readAll();
    if (!(address in all)) return;
    delete all[address];
    this.writeAll(all);
  }
}
