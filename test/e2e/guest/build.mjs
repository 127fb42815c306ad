#!/usr/bin/env node
// Builds the e2e guest from the Debian packages installed on this machine:
//   vmlinux          the packaged kernel, uncompressed (PVH entry, fast boot under TCG)
//   initramfs.cpio   busybox-static, the kernel modules we need with their dependencies
//                    (modules.dep), our init scripts (rootfs/)
// cached in test/e2e/.work/guest/<kernel version>-<hash of our scripts and inputs>/.
// Run directly to (re)build and print the paths: node test/e2e/guest/build.mjs
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpioWriter } from './cpio.mjs';
import { extractVmlinux, findGuestKernel } from './kernel.mjs';
import {
  ROOT_MODULES,
  loadModulesDep,
  moduleName,
  modulesDepSubset,
  readModule,
  resolveModules,
} from './modules.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = join(here, '..');
export const WORK_DIR = join(E2E_DIR, '.work');
const ROOTFS_DIR = join(here, 'rootfs');
const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox'];
// Linux device numbers (Documentation/admin-guide/devices.txt): /dev/console is 5:1.
const CONSOLE_MAJOR = 5;
const CONSOLE_MINOR = 1;
const EXECUTABLE = 0o755;

function findBusybox() {
  const path = BUSYBOX_CANDIDATES.find((p) => existsSync(p));
  if (!path) throw new Error('busybox not found (apt-get install busybox-static)');
  // The guest runs busybox before any shared library is reachable: it must be static.
  const interp = readFileSync(path).includes(Buffer.from('/lib64/ld-linux'));
  if (interp) throw new Error(`${path} is dynamically linked; install busybox-static`);
  return path;
}

function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

/** Hash of everything that shapes the guest: our scripts, busybox, the kernel image. */
function cacheKey(kernel, busybox) {
  const h = createHash('sha256');
  for (const f of listFiles(here)) h.update(`${relative(here, f)}\0`).update(readFileSync(f));
  for (const f of [busybox, kernel.image, join(kernel.modulesDir, 'modules.dep')]) {
    const st = statSync(f);
    h.update(`${f}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return `${kernel.version}-${h.digest('hex').slice(0, 12)}`;
}

function buildInitramfs(kernel, busybox) {
  const cpio = new CpioWriter();
  for (const d of ['dev', 'proc', 'sys', 'tmp', 'root', 'run', 'bin', 'usr/bin', 'etc/e2e'])
    cpio.dirs(d);
  cpio.symlink('sbin', 'bin').symlink('usr/sbin', '../bin');
  // The kernel opens /dev/console before /init runs, before devtmpfs is mounted.
  cpio.charDevice('dev/console', CONSOLE_MAJOR, CONSOLE_MINOR);

  cpio.file('bin/busybox', readFileSync(busybox), EXECUTABLE);
  const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  for (const a of applets) if (a !== 'busybox') cpio.symlink(`bin/${a}`, 'busybox');
  cpio.symlink('init', 'bin/busybox');

  for (const f of listFiles(ROOTFS_DIR)) {
    const rel = relative(ROOTFS_DIR, f);
    cpio.dirs(dirname(rel));
    cpio.file(rel, readFileSync(f), statSync(f).mode & EXECUTABLE);
  }
  cpio.file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
  cpio.file('etc/group', 'root:x:0:\n');
  cpio.file('etc/hosts', '127.0.0.1 localhost nicdl-e2e\n');

  const deps = loadModulesDep(kernel.modulesDir);
  const moduleDir = `lib/modules/${kernel.version}`;
  const paths = resolveModules(deps, Object.values(ROOT_MODULES).flat());
  for (const p of paths) {
    const { path, data } = readModule(kernel.modulesDir, p);
    cpio.dirs(dirname(`${moduleDir}/${path}`));
    cpio.file(`${moduleDir}/${path}`, data);
  }
  const plain = (text) => text.replace(/\.ko\.(xz|gz|zst)\b/g, '.ko');
  cpio.file(`${moduleDir}/modules.dep`, plain(modulesDepSubset(deps, paths)));
  for (const [group, names] of Object.entries(ROOT_MODULES)) {
    cpio.file(`etc/e2e/modules.${group}`, names.map(moduleName).join('\n') + '\n');
  }
  return { archive: cpio.toBuffer(), modules: paths.map(moduleName) };
}

/**
 * The guest's kernel and initramfs, built once per (kernel, scripts) and then reused.
 * Concurrent runs are safe: each builds in its own temporary directory and renames it.
 */
export function buildGuest({ log = () => {} } = {}) {
  const kernel = findGuestKernel();
  const busybox = findBusybox();
  const key = cacheKey(kernel, busybox);
  const dir = join(WORK_DIR, 'guest', key);
  const manifestPath = join(dir, 'guest.json');
  if (existsSync(manifestPath)) {
    const now = new Date();
    utimesSync(dir, now, now); // "in use": keeps pruneOldGuests away from it
    return JSON.parse(readFileSync(manifestPath, 'utf8'));
  }

  const t0 = Date.now();
  log(`building guest ${key}`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  extractVmlinux(kernel.image, join(tmp, 'vmlinux'));
  const { archive, modules } = buildInitramfs(kernel, busybox);
  writeFileSync(join(tmp, 'initramfs.cpio'), archive);
  const manifest = {
    key,
    kernelVersion: kernel.version,
    kernel: join(dir, 'vmlinux'),
    initrd: join(dir, 'initramfs.cpio'),
    modules,
    moduleGroups: Object.keys(ROOT_MODULES),
  };
  writeFileSync(join(tmp, 'guest.json'), JSON.stringify(manifest, null, 2) + '\n');
  try {
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(manifestPath)) throw e;
  }
  log(`built guest in ${Date.now() - t0} ms`);
  pruneOldGuests(dir);
  return manifest;
}

// Each guest holds a 66 MB vmlinux. Older builds go once unused for an hour (a run started
// before the scripts changed may still be booting one).
const STALE_GUEST_MS = 60 * 60 * 1000;

function pruneOldGuests(keep) {
  const parent = dirname(keep);
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    if (path === keep) continue;
    if (Date.now() - statSync(path).mtimeMs > STALE_GUEST_MS)
      rmSync(path, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(buildGuest({ log: (m) => console.error(m) }), null, 2));
}
