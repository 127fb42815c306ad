// The DPDK peer: Debian's testpmd (package dpdk-dev; the e1000 poll-mode driver and the
// ring mempool are in librte-net-e1000-23 and librte-mempool-ring23), installed on the
// host with apt-get when missing and shared with the guest by the e2e harness's
// `hostFiles` (binary + its libraries, at the same paths). Nothing of DPDK enters git.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const TESTPMD = '/usr/bin/dpdk-testpmd';
const LIB_DIR = '/usr/lib/x86_64-linux-gnu';
// Loaded with -d: only these plugins (EAL's own plugin directory is not shared, so it
// does not try to load every PMD Debian ships).
export const PLUGINS = [
  `${LIB_DIR}/librte_net_e1000.so.23`,
  `${LIB_DIR}/librte_mempool_ring.so.23`,
];
const PACKAGES = ['dpdk', 'dpdk-dev', 'librte-net-e1000-23', 'librte-mempool-ring23'];
// testpmd's default pool is sized for 32+ ports; 8192 mbufs serve one port's rings.
const MBUFS = 8192;
const STATS_PERIOD_S = 1;

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === 'install ok installed';
}

/**
 * Installs Debian's DPDK when testpmd or a plugin is missing. Returns { version } or
 * { error } (then the bench records why and runs without the DPDK rows).
 */
export function ensureDpdk(log) {
  const missing = PACKAGES.filter((p) => !dpkgInstalled(p));
  if (missing.length && existsSync(TESTPMD) && PLUGINS.every(existsSync)) missing.length = 0;
  if (missing.length) {
    log(`installing ${missing.join(' ')} (apt-get)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-q'], { encoding: 'utf8', env });
    const install = spawnSync(
      'apt-get',
      ['install', '-y', '-q', '--no-install-recommends', ...missing],
      {
        encoding: 'utf8',
        env,
      },
    );
    if (install.status !== 0)
      return {
        error: `apt-get install ${missing.join(' ')} failed (exit ${install.status ?? install.error?.message}): ${(install.stderr || update.stderr || '').trim().slice(-500)}`,
      };
  }
  const absent = [TESTPMD, ...PLUGINS].filter((f) => !existsSync(f));
  if (absent.length) return { error: `DPDK installed but missing ${absent.join(', ')}` };
  const v = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'dpdk-dev'], { encoding: 'utf8' });
  return { version: v.stdout.trim() || 'unknown' };
}

/** Host files the guest needs for testpmd (the harness adds their libraries). */
export const dpdkHostFiles = () => [TESTPMD, ...PLUGINS];

/** Guest shell command preparing EAL (hugetlbfs, runtime dir, plugin directory modes). */
export const prepCommand = (script) => `sh ${script} ${LIB_DIR}`;

/**
 * testpmd on `pciAddress` (bound to vfio-pci): lcore 0 main, lcore 1 forwarding, stats
 * every second until SIGINT. mode: txonly (frames of `sizeBytes` to `peerMac`) or rxonly.
 */
export function testpmdCommand({ pciAddress, mode, sizeBytes, peerMac }) {
  const eal = [
    '-l',
    '0-1',
    '-n',
    '1',
    '--in-memory',
    '-a',
    pciAddress,
    ...PLUGINS.flatMap((p) => ['-d', p]),
  ];
  const app = [
    `--forward-mode=${mode}`,
    `--stats-period=${STATS_PERIOD_S}`,
    `--total-num-mbufs=${MBUFS}`,
  ];
  if (mode === 'txonly') app.push(`--txpkts=${sizeBytes}`, `--eth-peer=0,${peerMac}`);
  return `exec ${TESTPMD} ${eal.join(' ')} -- ${app.join(' ')}`;
}
