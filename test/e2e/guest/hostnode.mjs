// Stages the host's own `node` (and any other host program a scenario needs, e.g. DPDK's
// testpmd) with the shared libraries they link (per ldd) in a directory that QEMU shares
// with the guest over 9p. The guest links each file back to the same absolute path the
// host uses, so programs start there exactly as here, with the same dynamic loader, libc
// and libstdc++. Files are hard links when possible (no copy).
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';

/** Absolute paths ldd names for `binary`, loader included; [] for a static file. */
export function sharedLibraries(binary) {
  const r = spawnSync('ldd', [binary], { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run ldd: ${r.error.message}`);
  if (r.status !== 0) {
    if (/not a dynamic executable|statically linked/.test(r.stdout + r.stderr)) return [];
    throw new Error(`ldd ${binary}: ${r.stderr.trim()}`);
  }
  return parseLdd(r.stdout);
}

export function parseLdd(text) {
  const paths = [];
  for (const line of text.split('\n')) {
    const arrow = line.match(/=>\s+(\/\S+)/);
    const bare = line.match(/^\s*(\/\S+)\s+\(/);
    const p = arrow?.[1] ?? bare?.[1];
    if (p) paths.push(p);
    else if (/not found/.test(line)) throw new Error(`ldd: ${line.trim()}`);
  }
  return paths;
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

function isElf(path) {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(ELF_MAGIC.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(ELF_MAGIC);
  } finally {
    closeSync(fd);
  }
}

function filesUnder(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true })
    .map((rel) => `${path}/${rel}`)
    .filter((p) => statSync(p).isFile());
}

/**
 * Files to stage, each at the path the host uses: node, `extra` (files or directories,
 * e.g. a plugin directory), and every shared library any ELF file among them links.
 */
export function hostFiles(extra = [], nodePath = process.execPath) {
  const files = new Set();
  for (const p of [nodePath, ...extra]) {
    if (!existsSync(p)) throw new Error(`host file to share with the guest does not exist: ${p}`);
    for (const f of filesUnder(p)) {
      files.add(f);
      if (isElf(f)) for (const lib of sharedLibraries(f)) files.add(lib);
    }
  }
  return [...files];
}

function identity(files) {
  const h = createHash('sha256');
  for (const f of files) {
    const st = statSync(f);
    h.update(`${f}\0${realpathSync(f)}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * Returns the staged directory (cached by the files' identity) holding `root/<abs path>`
 * and `manifest` (one absolute path per line, node first).
 */
export function stageHostFiles(workDir, files = hostFiles()) {
  const dir = join(workDir, 'hostnode', identity(files));
  if (existsSync(join(dir, 'manifest'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const f of files) {
    const target = join(tmp, 'root', f);
    mkdirSync(dirname(target), { recursive: true });
    const real = realpathSync(f);
    try {
      linkSync(real, target);
    } catch {
      copyFileSync(real, target);
    }
  }
  writeFileSync(join(tmp, 'manifest'), files.join('\n') + '\n');
  try {
    renameSync(tmp, dir);
  } catch (e) {
    // Another run staged the same files first: theirs is as good as ours.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, 'manifest'))) throw e;
  }
  return dir;
}
