import { afterEach, describe, expect, it } from 'vitest';
import { getPciDevice, listPciDevices, parsePciAddress, pciIds } from '../../runtime/pci/index.js';
import { FakeTree } from './helpers/fake-sysfs.js';

let tree: FakeTree | undefined;
afterEach(() => tree?.remove());

function twoNicTree() {
  return new FakeTree({
    devices: [
      { address: '0000:00:00.0', vendor: 0x8086, device: 0x29c0, classCode: 0x060000 },
      {
        address: '0000:00:02.0',
        vendor: 0x8086,
        device: 0x100e,
        driver: 'e1000',
        iommuGroup: 2,
        netdevs: ['eth1'],
      },
      {
        address: '0000:03:00.0',
        vendor: 0x8086,
        device: 0x10fb,
        driver: 'ixgbe',
        iommuGroup: 7,
        netdevs: ['eth2'],
      },
      { address: '0000:03:00.1', vendor: 0x8086, device: 0x10fb, driver: 'ixgbe', iommuGroup: 7 },
    ],
  });
}

describe('PCI addresses', () => {
  it('accepts the sysfs form and the short form, case-insensitively', () => {
    expect(parsePciAddress('0000:00:02.0')).toBe('0000:00:02.0');
    expect(parsePciAddress('00:02.0')).toBe('0000:00:02.0');
    expect(parsePciAddress('0000:3B:1F.7')).toBe('0000:3b:1f.7');
  });

  it.each(['eth0', '0000:00:02', '00:20.0', '00:02.8', '0:00:02.0', ''])(
    'rejects %j with E_BAD_ADDRESS',
    (text) => {
      expect(() => parsePciAddress(text)).toThrowError(
        expect.objectContaining({ code: 'E_BAD_ADDRESS', exitCode: 1 }),
      );
    },
  );
});

describe('sysfs discovery', () => {
  it('lists address, ids, class, driver, IOMMU group, group peers and interfaces', () => {
    tree = twoNicTree();
    const all = listPciDevices(tree.options);
    expect(all.map((d) => d.address)).toEqual([
      '0000:00:00.0',
      '0000:00:02.0',
      '0000:03:00.0',
      '0000:03:00.1',
    ]);
    const nic = all[1];
    expect(pciIds(nic)).toBe('8086:100e');
    expect(nic).toMatchObject({
      classCode: 0x020000,
      className: 'network/ethernet',
      driver: 'e1000',
      iommuGroup: 2,
      groupPeers: [],
      netdevs: ['eth1'],
    });
    expect(nic.driverOverride).toBeUndefined();
    expect(all[0]).toMatchObject({ className: 'bridge', driver: undefined, iommuGroup: undefined });
    expect(all[2].groupPeers).toEqual([{ address: '0000:03:00.1', driver: 'ixgbe' }]);
  });

  it('finds a device by its short address', () => {
    tree = twoNicTree();
    expect(getPciDevice('03:00.1', tree.options).address).toBe('0000:03:00.1');
  });

  it('says which addresses exist when the one asked for does not', () => {
    tree = twoNicTree();
    expect(() => getPciDevice('0000:00:09.0', tree!.options)).toThrowError(
      expect.objectContaining({
        code: 'E_NOT_FOUND',
        exitCode: 3,
        message: expect.stringContaining(
          'present: 0000:00:00.0, 0000:00:02.0, 0000:03:00.0, 0000:03:00.1',
        ),
      }),
    );
  });
});
