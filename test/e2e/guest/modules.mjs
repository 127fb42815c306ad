// Resolves the kernel modules the guest needs, with their dependencies, from the installed
// kernel's modules.dep: nothing here lists a dependency by hand, so a kernel update that
// splits or renames a helper module still yields a bootable guest.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';

/**
 * The modules we ask for by name, in groups; modules.dep supplies the rest. Every group is
 * in the initramfs; the host chooses which groups boot.sh loads (`modules` option of
 * withGuest), the others stay available to `modprobe` in the guest. vfio_iommu_type1 is
 * only a softdep of vfio (loaded by kmod's modprobe, ignored by busybox's): named here.
 */
export const ROOT_MODULES = Object.freeze({
  // 9p share of the project tree, the run directory and the host's node.
  share: ['virtio_pci', '9pnet_virtio', '9p'],
  // The original kernel driver of the device under test, restored after VFIO.
  nic: ['e1000'],
  // VFIO itself: what nicdl binds the device to.
  vfio: ['vfio', 'vfio_iommu_type1', 'vfio_pci'],
  // The 82574L's kernel driver, for `model: 'e1000e'` NICs.
  e1000e: ['e1000e'],
  // The kernel's packet generator: the kernel-driver TX baseline for benchmarks.
  pktgen: ['pktgen'],
});

/** `kernel/fs/9p/9p.ko` -> `9p`; modprobe treats `-` and `_` alike. */
export function moduleName(path) {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.ko(\.(xz|gz|zst))?$/, '');
  return base.replaceAll('-', '_');
}

/** Parses modules.dep text into name -> { path, deps: [path] }. */
export function parseModulesDep(text) {
  const modules = new Map();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const path = line.slice(0, colon).trim();
    const deps = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    modules.set(moduleName(path), { path, deps });
  }
  return modules;
}

/**
 * Every module needed for `roots`, dependencies before their users (insmod order), each
 * once. Throws on a name the kernel does not have, so a typo fails the build, not the boot.
 */
export function resolveModules(modules, roots) {
  const byPath = new Map([...modules.values()].map((m) => [m.path, m]));
  const order = [];
  const visiting = new Set();
  const done = new Set();
  const visit = (m, via) => {
    if (done.has(m.path)) return;
    if (visiting.has(m.path)) throw new Error(`module dependency cycle through ${m.path}`);
    visiting.add(m.path);
    for (const dep of m.deps) {
      const d = byPath.get(dep);
      if (!d)
        throw new Error(
          `${m.path} depends on ${dep}, which modules.dep does not list (via ${via})`,
        );
      visit(d, via);
    }
    visiting.delete(m.path);
    done.add(m.path);
    order.push(m.path);
  };
  for (const root of roots) {
    const m = modules.get(moduleName(root));
    if (!m) throw new Error(`kernel has no module ${root} (is it built in, or misspelt?)`);
    visit(m, root);
  }
  return order;
}

/** modules.dep restricted to `paths`, for busybox modprobe inside the guest. */
export function modulesDepSubset(modules, paths) {
  const keep = new Set(paths);
  return (
    [...modules.values()]
      .filter((m) => keep.has(m.path))
      .map((m) => `${m.path}:${m.deps.length ? ' ' + m.deps.join(' ') : ''}`)
      .join('\n') + '\n'
  );
}

/** The module file as the guest's insmod needs it: uncompressed. */
export function readModule(modulesDir, path) {
  const file = join(modulesDir, path);
  if (!existsSync(file)) throw new Error(`module file missing: ${file}`);
  const raw = readFileSync(file);
  if (path.endsWith('.ko')) return { path, data: raw };
  const plain = path.replace(/\.(xz|gz|zst)$/, '');
  if (path.endsWith('.gz')) return { path: plain, data: gunzipSync(raw) };
  const tool = path.endsWith('.xz') ? 'xz' : 'zstd';
  const r = spawnSync(tool, ['-dc'], { input: raw, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`cannot decompress ${file} with ${tool}: ${r.stderr}`);
  return { path: plain, data: r.stdout };
}

export function loadModulesDep(modulesDir) {
  return parseModulesDep(readFileSync(join(modulesDir, 'modules.dep'), 'utf8'));
}
