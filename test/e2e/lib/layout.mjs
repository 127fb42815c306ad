// Where things are in the guest, in one place: the PCI layout of the e2e machine and the
// guest paths of the 9p shares. README.md documents the same table for humans.

/** NIC i sits at PCI slot NIC_FIRST_SLOT + i on the root bus (00:02.0, 00:03.0, ...). */
export const NIC_FIRST_SLOT = 0x02;
/** The 9p shares sit at slots 0x10.. so adding NICs never moves them. */
export const SHARE_FIRST_SLOT = 0x10;
export const MAX_NICS = SHARE_FIRST_SLOT - NIC_FIRST_SLOT;

/** QEMU's default OUI (52:54:00) and a per-NIC last byte: nic0 gets QEMU's own default MAC. */
export const MAC_PREFIX = '52:54:00:12:34';
export const MAC_FIRST_LAST_BYTE = 0x56;

export const GUEST_SHARE = '/share'; // the project root, read-only
export const GUEST_CTL = '/ctl'; // the per-run directory, read-write, kept on failure

/** Slirp's fixed addresses for `-netdev user` (QEMU's defaults). */
export const SLIRP = Object.freeze({ guestIp: '10.0.2.15', gatewayIp: '10.0.2.2', prefix: 24 });

export function nicPciAddress(index) {
  return `0000:00:${hex2(NIC_FIRST_SLOT + index)}.0`;
}

export function nicMac(index) {
  return `${MAC_PREFIX}:${hex2(MAC_FIRST_LAST_BYTE + index)}`;
}

export function sharePciSlot(index) {
  return `${hex2(SHARE_FIRST_SLOT + index)}.0`;
}

const hex2 = (n) => n.toString(16).padStart(2, '0');
