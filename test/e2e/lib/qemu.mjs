// The QEMU command line of the e2e machine (hardware.md's recipe): q35 with an emulated
// Intel IOMMU so VFIO works in the guest, TCG (no KVM here), the guest kernel booted
// directly through its PVH entry, NICs and 9p shares at fixed PCI slots (layout.mjs).
import { nicPciAddress, sharePciSlot } from './layout.mjs';

export const QEMU_BINARY = 'qemu-system-x86_64';

/**
 * Kernel command line. intel_iommu=on: Debian's kernel does not enable the IOMMU by default.
 * iommu=pt: kernel drivers (the e1000 baseline) get identity DMA mappings, VFIO still gets
 * a translated domain of its own. panic=-1 + -no-reboot: a guest panic ends QEMU at once.
 */
export function kernelCommandLine({ moduleGroups, shell = false, append = '' }) {
  return [
    'console=ttyS0',
    'panic=-1',
    'intel_iommu=on',
    'iommu=pt',
    `nicdl.modules=${moduleGroups.join(',')}`,
    shell ? 'nicdl.shell=1' : '',
    append,
  ]
    .filter(Boolean)
    .join(' ');
}

function nicArgs(nic) {
  const id = `n${nic.index}`;
  const backend =
    nic.kind === 'dgram'
      ? `dgram,id=${id},local.type=inet,local.host=127.0.0.1,local.port=${nic.qemuPort},` +
        `remote.type=inet,remote.host=127.0.0.1,remote.port=${nic.peerPort}`
      : // restrict=on: the guest reaches slirp's own 10.0.2.2 and nothing beyond this machine.
        `user,id=${id},restrict=on`;
  const slot = nicPciAddress(nic.index).slice('0000:00:'.length);
  const args = [
    '-netdev',
    backend,
    '-device',
    `${nic.model},netdev=${id},mac=${nic.mac},bus=pcie.0,addr=${slot}`,
  ];
  if (nic.pcapPath)
    args.push('-object', `filter-dump,id=dump${nic.index},netdev=${id},file=${nic.pcapPath}`);
  return args;
}

function shareArgs(share, index) {
  const id = `fs${index}`;
  return [
    '-fsdev',
    `local,id=${id},path=${share.hostPath},security_model=none${share.readonly ? ',readonly=on' : ''}`,
    '-device',
    `virtio-9p-pci,fsdev=${id},mount_tag=${share.tag},bus=pcie.0,addr=${sharePciSlot(index)}`,
  ];
}

/** argv for QEMU (without the binary). */
export function qemuArgs(cfg) {
  // prettier-ignore
  return [
    '-machine', 'q35',
    '-accel', 'tcg,thread=multi',
    '-cpu', 'max',
    '-smp', String(cfg.smp),
    '-m', `${cfg.memMb}M`,
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    // The IOMMU must exist before the PCI devices it translates for. intremap=on: without
    // interrupt remapping VFIO_SET_IOMMU fails with EPERM (hardware.md).
    '-device', 'intel-iommu,intremap=on,caching-mode=off',
    '-kernel', cfg.kernel,
    '-initrd', cfg.initrd,
    '-append', cfg.append,
    ...consoleArgs(cfg),
    // ttyS1: the control channel (lib/control.mjs), QEMU connects to our Unix socket.
    '-chardev', `socket,id=control,path=${cfg.controlSocket}`,
    '-serial', 'chardev:control',
    ...cfg.nics.flatMap(nicArgs),
    ...cfg.shares.flatMap(shareArgs),
  ];
}

/** ttyS0, the kernel console: a file, or the terminal for an interactive shell. */
function consoleArgs(cfg) {
  if (cfg.interactive)
    return [
      '-chardev',
      'stdio,id=console,mux=on,signal=off',
      '-serial',
      'chardev:console',
      '-mon',
      'chardev=console',
    ];
  return ['-chardev', `file,id=console,path=${cfg.consoleLog}`, '-serial', 'chardev:console'];
}
