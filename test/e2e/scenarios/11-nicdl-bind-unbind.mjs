// `nicdl bind` gives the e1000 to vfio-pci and `nicdl unbind` gives it back to the kernel
// driver, checked through sysfs (not through nicdl); the other NIC is never touched.
import assert from 'node:assert/strict';

export default {
  name: 'nicdl bind moves the e1000 to vfio-pci, nicdl unbind restores e1000',
  requires: { nicdl: ['bind', 'unbind'] },
  guest: { nics: [{ kind: 'dgram' }, { kind: 'user' }] },
  timeoutMs: 90_000,
  async run(g, t) {
    const [nic, other] = g.nics;
    const group = (await g.ok(`readlink /sys/bus/pci/devices/${nic.pciAddress}/iommu_group`))
      .trim()
      .split('/')
      .pop();
    const otherNetdev = await g.netdev(other.index);

    await t.step('bind', async () => {
      const r = await g.nicdl(`bind ${nic.pciAddress}`);
      assert.equal(r.code, 0, `nicdl bind: ${r.stdout}${r.stderr}`);
      assert.equal(await g.pciDriver(nic.pciAddress), 'vfio-pci');
      await g.ok(`test -c /dev/vfio/${group}`);
      assert.equal(await g.netdev(nic.index), null);
      assert.equal(await g.pciDriver(other.pciAddress), 'e1000', 'the other NIC was not touched');
    });

    await t.step('unbind', async () => {
      const r = await g.nicdl(`unbind ${nic.pciAddress}`);
      assert.equal(r.code, 0, `nicdl unbind: ${r.stdout}${r.stderr}`);
      assert.equal(await g.pciDriver(nic.pciAddress), 'e1000');
      const ifname = await g.netdev(nic.index);
      assert.ok(ifname, 'e1000 is back but registered no net device');
      assert.equal((await g.ok(`cat /sys/class/net/${ifname}/address`)).trim(), nic.mac);
      assert.equal(await g.netdev(other.index), otherNetdev);
    });
  },
};
