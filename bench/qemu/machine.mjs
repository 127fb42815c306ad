// The bench guest: the e2e machine (test/e2e/lib/guest.mjs) with what DPDK needs (2 vCPUs,
// 2 GiB, hugepages, testpmd and its libraries shared from the host) and the same two NICs
// as the e2e layout (nic0 at 00:02.0 on -netdev dgram, nic1 at 00:03.0 on slirp). The NICs
// are given as raw QEMU arguments rather than the harness's `nics`, because the harness
// binds a node socket to the dgram NIC's host port, and here the C wire tool must own that
// port (node cannot count several hundred thousand frames a second without taking the CPU
// the emulated NIC needs). Nothing is changed in test/e2e.
import { freeUdpPort } from '../../test/e2e/lib/peer.mjs';
import { nicMac, nicPciAddress } from '../../test/e2e/lib/layout.mjs';

export const SMP = 2;
export const MEM_MB = 2048;
// 2 MiB pages: 256 MiB for testpmd (its pool is 8192 mbufs of 2176 bytes, ~18 MiB).
export const HUGEPAGES = 128;
export const GUEST_MODULES = ['share', 'nic', 'vfio', 'pktgen'];
/** The host side of nic0's link (locally administered, what the guest sends to). */
export const HOST_MAC = '02:00:00:00:00:01';

/** Both NICs (index, pciAddress, mac) with fresh UDP ports for nic0, and their QEMU args. */
export async function benchNics() {
  const dgram = {
    index: 0,
    kind: 'dgram',
    pciAddress: nicPciAddress(0),
    mac: nicMac(0),
    qemuPort: await freeUdpPort(),
    hostPort: await freeUdpPort(),
  };
  const slirp = { index: 1, kind: 'user', pciAddress: nicPciAddress(1), mac: nicMac(1) };
  const slot = (nic) => nic.pciAddress.slice('0000:00:'.length);
  // prettier-ignore
  const qemuArgs = [
    '-netdev', `dgram,id=bench0,local.type=inet,local.host=127.0.0.1,local.port=${dgram.qemuPort},` +
      `remote.type=inet,remote.host=127.0.0.1,remote.port=${dgram.hostPort}`,
    '-device', `e1000,netdev=bench0,mac=${dgram.mac},bus=pcie.0,addr=${slot(dgram)}`,
    // restrict=on: slirp's own 10.0.2.2 answers, nothing beyond this machine is reachable.
    '-netdev', 'user,id=bench1,restrict=on',
    '-device', `e1000,netdev=bench1,mac=${slirp.mac},bus=pcie.0,addr=${slot(slirp)}`,
  ];
  return { dgram, slirp, qemuArgs };
}

/** withGuest options for the bench guest. */
export function guestOptions({ qemuArgs, hostFiles, log }) {
  return {
    name: 'bench-qemu',
    nics: [],
    pcap: false,
    smp: SMP,
    memMb: MEM_MB,
    append: `hugepages=${HUGEPAGES}`,
    modules: GUEST_MODULES,
    hostFiles,
    qemuArgs,
    commandTimeoutMs: 120_000,
    bootTimeoutMs: 180_000,
    log,
  };
}

const GUEST_BIN = '/share/bench/qemu/guest';

/** Guest helpers around bench/qemu/guest/*.sh. */
export function guestTools(g) {
  return {
    /** Gives `address` to `driver` (vfio-pci or kernel). */
    bind: (address, driver) => g.ok(`sh ${GUEST_BIN}/bind.sh ${address} ${driver}`),
    /** Kernel interface of `address` up (after binding it to the kernel); returns its name. */
    async netdevUp(address, ipWithPrefix = '') {
      await g.ok(`sh ${GUEST_BIN}/bind.sh ${address} kernel`);
      return (await g.ok(`sh ${GUEST_BIN}/netdev-up.sh ${address} ${ipWithPrefix}`)).trim();
    },
    script: (name) => `${GUEST_BIN}/${name}`,
  };
}
