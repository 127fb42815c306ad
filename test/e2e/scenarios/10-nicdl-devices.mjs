// `nicdl devices --json` in the guest lists both e1000s with what sysfs says about them.
import assert from 'node:assert/strict';

const E1000 = { vendor: 0x8086, device: 0x100e };

export default {
  name: 'nicdl devices --json sees the e1000s as sysfs does',
  requires: { nicdl: ['devices'] },
  guest: { nics: [{ kind: 'dgram' }, { kind: 'user' }] },
  timeoutMs: 90_000,
  async run(g) {
    const r = await g.nicdl('devices --json');
    assert.equal(r.code, 0, r.stderr);
    const { devices } = JSON.parse(r.stdout);
    for (const nic of g.nics) {
      const d = devices.find((x) => x.address === nic.pciAddress);
      assert.ok(d, `${nic.pciAddress} missing from ${r.stdout}`);
      assert.equal(d.vendor, E1000.vendor);
      assert.equal(d.device, E1000.device);
      assert.equal(d.driver, await g.pciDriver(nic.pciAddress));
      const group = (await g.ok(`readlink /sys/bus/pci/devices/${nic.pciAddress}/iommu_group`))
        .trim()
        .split('/')
        .pop();
      assert.equal(String(d.iommuGroup), group);
      assert.deepEqual(d.netdevs, [await g.netdev(nic.index)]);
    }
  },
};
