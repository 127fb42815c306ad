import { afterEach, describe, expect, it } from 'vitest';
import { bindToVfio, BindingState, getPciDevice, unbindFromVfio } from '../../runtime/pci/index.js';
import {
  FakeKernel,
  FakeTree,
  defaultRouteVia,
  type FakeTreeOptions,
  type KernelOptions,
} from './helpers/fake-sysfs.js';

let tree: FakeTree | undefined;
afterEach(() => tree?.remove());

const E1000 = {
  address: '0000:00:02.0',
  vendor: 0x8086,
  device: 0x100e,
  driver: 'e1000',
  iommuGroup: 2,
  netdevs: ['eth1'],
};

function setup(extra: Partial<FakeTreeOptions> = {}, kernelOpts: KernelOptions = {}) {
  tree = new FakeTree({ devices: [E1000], ...extra });
  const kernel = new FakeKernel(tree, kernelOpts);
  return { tree, kernel, opts: { ...tree.options, io: kernel } };
}

describe('bind to vfio-pci', () => {
  it('sets driver_override, unbinds the kernel driver, probes, and remembers the driver', () => {
    const { tree, kernel, opts } = setup();
    const r = bindToVfio('00:02.0', opts);
    expect(r).toEqual({
      address: '0000:00:02.0',
      previousDriver: 'e1000',
      driver: 'vfio-pci',
      changed: true,
    });
    expect(kernel.writes).toEqual([
      { path: 'bus/pci/devices/0000:00:02.0/driver_override', data: 'vfio-pci' },
      { path: 'bus/pci/drivers/e1000/unbind', data: '0000:00:02.0' },
      { path: 'bus/pci/drivers_probe', data: '0000:00:02.0' },
    ]);
    expect(getPciDevice(E1000.address, opts)).toMatchObject({
      driver: 'vfio-pci',
      driverOverride: 'vfio-pci',
    });
    expect(new BindingState(tree.stateDir).get(E1000.address)?.originalDriver).toBe('e1000');
  });

  it('does nothing for a device already bound to vfio-pci', () => {
    const { kernel, opts } = setup({ devices: [{ ...E1000, driver: 'vfio-pci' }] });
    expect(bindToVfio(E1000.address, opts).changed).toBe(false);
    expect(kernel.writes).toEqual([]);
  });

  it('unbind in a later process gives the device back to its original driver and clears the override', () => {
    const { tree, opts } = setup();
    bindToVfio(E1000.address, opts);
    // A new kernel object and a new state reader: nothing shared in memory with the bind.
    const later = { ...tree.options, io: new FakeKernel(tree) };
    const r = unbindFromVfio(E1000.address, later);
    expect(r).toMatchObject({ previousDriver: 'vfio-pci', driver: 'e1000', changed: true });
    expect(getPciDevice(E1000.address, later)).toMatchObject({
      driver: 'e1000',
      driverOverride: undefined,
    });
    expect(new BindingState(tree.stateDir).get(E1000.address)).toBeUndefined();
  });

  it('restores a device that had no driver to no driver', () => {
    const { tree, opts } = setup({
      devices: [{ ...E1000, driver: undefined, nativeDriver: 'e1000' }],
      drivers: ['e1000'],
    });
    bindToVfio(E1000.address, opts);
    unbindFromVfio(E1000.address, { ...tree.options, io: new FakeKernel(tree) });
    expect(getPciDevice(E1000.address, opts).driver).toBeUndefined();
  });

  it('without a record (bound by hand) lets the kernel probe its usual driver', () => {
    const { tree, opts } = setup({
      devices: [{ ...E1000, driver: 'vfio-pci', nativeDriver: 'e1000' }],
      drivers: ['e1000'],
    });
    const kernel = new FakeKernel(tree);
    unbindFromVfio(E1000.address, { ...tree.options, io: kernel });
    expect(getPciDevice(E1000.address, opts).driver).toBe('e1000');
    expect(kernel.writes.map((w) => w.path)).toContain('bus/pci/drivers_probe');
  });

  it('rolls back and says so when vfio-pci does not take the device', () => {
    const { opts } = setup({}, { failingDrivers: ['vfio-pci'] });
    expect(() => bindToVfio(E1000.address, opts)).toThrowError(
      expect.objectContaining({ code: 'E_BIND_FAILED', message: expect.stringContaining('dmesg') }),
    );
    expect(getPciDevice(E1000.address, opts)).toMatchObject({
      driver: 'e1000',
      driverOverride: undefined,
    });
  });
});

describe('bind refusals (nothing is written)', () => {
  it('names the group peers held by kernel drivers', () => {
    const { kernel, opts } = setup({
      devices: [
        { ...E1000, iommuGroup: 7 },
        { address: '0000:00:02.1', vendor: 0x8086, device: 0x100e, driver: 'e1000', iommuGroup: 7 },
        {
          address: '0000:00:1c.0',
          vendor: 0x8086,
          device: 0x2948,
          classCode: 0x060400,
          driver: 'pcieport',
          iommuGroup: 7,
        },
        {
          address: '0000:00:02.2',
          vendor: 0x8086,
          device: 0x100e,
          driver: 'pci-stub',
          iommuGroup: 7,
        },
      ],
    });
    let err: unknown;
    try {
      bindToVfio(E1000.address, opts);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: 'E_GROUP_NOT_VIABLE',
      exitCode: 7,
      message: expect.stringContaining('0000:00:02.1 (e1000)'),
    });
    // pcieport and pci-stub never DMA for the device: they are not blamed.
    expect((err as Error).message).not.toMatch(/1c\.0|02\.2/);
    expect(kernel.writes).toEqual([]);
  });

  it('refuses the interface that carries the default route unless forced', () => {
    const { kernel, opts } = setup({ route: defaultRouteVia('eth1') });
    expect(() => bindToVfio(E1000.address, opts)).toThrowError(
      expect.objectContaining({
        code: 'E_DEFAULT_ROUTE',
        message: expect.stringMatching(/eth1.*default route.*--force/),
      }),
    );
    expect(kernel.writes).toEqual([]);
    expect(bindToVfio(E1000.address, { ...opts, force: true }).driver).toBe('vfio-pci');
  });

  it('takes a NIC when the default route goes through another interface', () => {
    const { opts } = setup({ route: defaultRouteVia('eth0') });
    expect(bindToVfio(E1000.address, opts).driver).toBe('vfio-pci');
  });

  it('refuses a device without an IOMMU group and names the kernel parameter', () => {
    const { kernel, opts } = setup({ devices: [{ ...E1000, iommuGroup: undefined }] });
    expect(() => bindToVfio(E1000.address, opts)).toThrowError(
      expect.objectContaining({
        code: 'E_NO_IOMMU',
        exitCode: 5,
        message: expect.stringMatching(/intel_iommu=on.*amd_iommu=on/),
      }),
    );
    expect(kernel.writes).toEqual([]);
  });

  it('allows no-IOMMU mode only when asked for and enabled in the kernel', () => {
    const noGroup = { devices: [{ ...E1000, iommuGroup: undefined }] };
    let s = setup(noGroup);
    expect(() => bindToVfio(E1000.address, { ...s.opts, unsafeNoIommu: true })).toThrowError(
      /CONFIG_VFIO_NOIOMMU/,
    );
    s.tree.remove();
    s = setup({ ...noGroup, noiommuParam: 'N' });
    expect(() => bindToVfio(E1000.address, { ...s.opts, unsafeNoIommu: true })).toThrowError(
      /enable_unsafe_noiommu_mode/,
    );
    s.tree.remove();
    s = setup({ ...noGroup, noiommuParam: 'Y' });
    expect(bindToVfio(E1000.address, { ...s.opts, unsafeNoIommu: true }).driver).toBe('vfio-pci');
  });

  it('says to load vfio-pci when its driver is missing', () => {
    const { opts } = setup({ noVfioModule: true });
    expect(() => bindToVfio(E1000.address, opts)).toThrowError(
      expect.objectContaining({
        code: 'E_NO_VFIO',
        exitCode: 4,
        message: expect.stringContaining('modprobe vfio-pci'),
      }),
    );
  });

  it('reports permission problems as such', () => {
    const { opts } = setup({}, { writeError: 'EACCES' });
    expect(() => bindToVfio(E1000.address, opts)).toThrowError(
      expect.objectContaining({
        code: 'E_PERMISSION',
        exitCode: 6,
        message: expect.stringMatching(/driver_override.*run as root/),
      }),
    );
  });
});
