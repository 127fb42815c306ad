/**
 * Every way opening a VFIO device can fail without hardware, each as one line naming
 * the cause and the fix, with its own exit code. Uses a fake sysfs and a fake /dev.
 */
import { constants as osConstants } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../spec/errors.js';
import { nativeStatus } from '../../runtime/native.js';
import { getPciDevice } from '../../runtime/pci/index.js';
import { openError } from '../../runtime/vfio/errors.js';
import { openVfioDevice } from '../../runtime/vfio/open-device.js';
import { FakeKernel, FakeTree, type FakeDevice } from './helpers/fake-sysfs.js';

let tree: FakeTree | undefined;
afterEach(() => tree?.remove());

const E1000: FakeDevice = {
  address: '0000:00:02.0',
  vendor: 0x8086,
  device: 0x100e,
  driver: 'vfio-pci',
  iommuGroup: 2,
};

function fake(devices: FakeDevice[] = [E1000]) {
  tree = new FakeTree({ devices, drivers: ['e1000'] });
  return { tree, opts: { ...tree.options, io: new FakeKernel(tree), processHooks: false } };
}

function failure(fn: () => unknown): { code: string; exitCode: number; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; exitCode: number; message: string };
  }
  throw new Error('expected a failure');
}

describe('openVfioDevice failures', () => {
  it('malformed address', () => {
    const { opts } = fake();
    expect(failure(() => openVfioDevice('02.0', opts))).toMatchObject({
      code: 'E_BAD_ADDRESS',
      exitCode: ExitCode.usage,
    });
  });

  it('address not found, listing what exists', () => {
    const { opts } = fake();
    expect(failure(() => openVfioDevice('0000:00:03.0', opts))).toMatchObject({
      code: 'E_NOT_FOUND',
      exitCode: ExitCode.notFound,
      message: expect.stringContaining('present: 0000:00:02.0'),
    });
  });

  it('no IOMMU: names the kernel parameters', () => {
    const { opts } = fake([{ ...E1000, iommuGroup: undefined }]);
    expect(failure(() => openVfioDevice(E1000.address, opts))).toMatchObject({
      code: 'E_NO_IOMMU',
      exitCode: ExitCode.noIommu,
      message: expect.stringMatching(/intel_iommu=on.*amd_iommu=on/),
    });
  });

  it('not bound to vfio-pci: says which command binds it', () => {
    const { opts } = fake([{ ...E1000, driver: 'e1000' }]);
    expect(failure(() => openVfioDevice(E1000.address, opts))).toMatchObject({
      code: 'E_NOT_BOUND',
      exitCode: ExitCode.busy,
      message: expect.stringContaining(
        'driven by e1000, not vfio-pci: run `nicdl bind 0000:00:02.0`',
      ),
    });
  });

  it('group not viable: names the devices holding it', () => {
    const { opts } = fake([
      { ...E1000 },
      { address: '0000:00:02.1', vendor: 0x8086, device: 0x100e, driver: 'e1000', iommuGroup: 2 },
    ]);
    expect(failure(() => openVfioDevice(E1000.address, opts))).toMatchObject({
      code: 'E_GROUP_NOT_VIABLE',
      exitCode: ExitCode.groupNotViable,
      message: expect.stringContaining('0000:00:02.1 (e1000)'),
    });
  });

  it('no /dev/vfio: says to load the module', () => {
    const { opts } = fake();
    expect(failure(() => openVfioDevice(E1000.address, opts))).toMatchObject({
      code: 'E_NO_VFIO',
      exitCode: ExitCode.noVfio,
      message: expect.stringContaining('modprobe vfio-pci'),
    });
  });

  it.skipIf(!nativeStatus().available)(
    'a /dev/vfio/vfio that is not the VFIO device: the ioctl errno is reported',
    () => {
      const { tree, opts } = fake();
      tree.addDevVfio([2]);
      expect(failure(() => openVfioDevice(E1000.address, opts))).toMatchObject({
        code: 'E_NO_VFIO',
        message: expect.stringContaining('VFIO_GET_API_VERSION'),
      });
    },
  );

  it('with bind: true, a failure after binding gives the device back to its driver', () => {
    const { opts } = fake([{ ...E1000, driver: 'e1000' }]);
    expect(failure(() => openVfioDevice(E1000.address, { ...opts, bind: true }))).toMatchObject({
      code: 'E_NO_VFIO',
    });
    expect(getPciDevice(E1000.address, opts)).toMatchObject({
      driver: 'e1000',
      driverOverride: undefined,
    });
  });
});

describe('errno of opening a VFIO node', () => {
  const { EACCES, EBUSY, ENOENT } = osConstants.errno;
  it('permission denied: run as root or grant /dev/vfio/N', () => {
    expect(openError('/dev/vfio/2', EACCES, E1000.address)).toMatchObject({
      code: 'E_PERMISSION',
      exitCode: ExitCode.permission,
      message: expect.stringMatching(/\/dev\/vfio\/2.*run as root.*\/dev\/vfio\/GROUP/),
    });
  });
  it('busy: another process has the group', () => {
    expect(openError('/dev/vfio/2', EBUSY, E1000.address)).toMatchObject({
      code: 'E_BUSY',
      exitCode: ExitCode.busy,
      message: expect.stringContaining('already open'),
    });
  });
  it('missing node: the module', () => {
    expect(openError('/dev/vfio/vfio', ENOENT, E1000.address)).toMatchObject({
      code: 'E_NO_VFIO',
      exitCode: ExitCode.noVfio,
    });
  });
});

describe('failure classes', () => {
  it('each class a user can meet has its own exit code', () => {
    const { tree, opts } = fake([
      { ...E1000 },
      { address: '0000:00:03.0', vendor: 0x8086, device: 0x100e, iommuGroup: undefined },
      {
        address: '0000:00:04.0',
        vendor: 0x8086,
        device: 0x100e,
        driver: 'vfio-pci',
        iommuGroup: 4,
      },
      { address: '0000:00:04.1', vendor: 0x8086, device: 0x100e, driver: 'e1000', iommuGroup: 4 },
    ]);
    const byCode = new Map<string, number>();
    const note = (fn: () => unknown) => {
      const e = failure(fn);
      byCode.set(e.code, e.exitCode);
    };
    note(() => openVfioDevice('nope', opts));
    note(() => openVfioDevice('0000:00:09.0', opts));
    note(() => openVfioDevice('0000:00:03.0', opts));
    note(() => openVfioDevice('0000:00:04.0', opts));
    note(() => openVfioDevice(E1000.address, opts));
    byCode.set(
      'E_PERMISSION',
      openError('/dev/vfio/2', osConstants.errno.EACCES, E1000.address).exitCode,
    );
    byCode.set('E_BUSY', openError('/dev/vfio/2', osConstants.errno.EBUSY, E1000.address).exitCode);
    expect([...byCode.keys()].sort()).toEqual([
      'E_BAD_ADDRESS',
      'E_BUSY',
      'E_GROUP_NOT_VIABLE',
      'E_NOT_FOUND',
      'E_NO_IOMMU',
      'E_NO_VFIO',
      'E_PERMISSION',
    ]);
    expect(new Set(byCode.values()).size).toBe(byCode.size);
    expect(tree).toBeDefined();
  });
});
