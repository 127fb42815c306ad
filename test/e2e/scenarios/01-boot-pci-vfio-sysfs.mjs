// The machine itself: the e1000 is where README.md says, behind an active IOMMU, in an
// IOMMU group of its own, driven by the kernel's e1000; VFIO loads and takes the device
// through driver_override (plain shell, no nicdl), and the kernel driver takes it back.
import assert from 'node:assert/strict';

const E1000_VENDOR = '0x8086';
const E1000_DEVICE = '0x100e'; // 82540EM, QEMU's `-device e1000`
const ETHERNET_CLASS = '0x020000';

export default {
  name: 'boot: e1000 in sysfs with an IOMMU group; vfio-pci bind and back via sysfs',
  guest: { nics: [{ kind: 'dgram' }], modules: ['share', 'nic'] },
  timeoutMs: 90_000,
  async run(g, t) {
    const nic = g.nics[0];
    const dev = `/sys/bus/pci/devices/${nic.pciAddress}`;
    const read = async (file) => (await g.ok(`cat ${file}`)).trim();

    await t.step('sysfs', async () => {
      assert.equal(await read(`${dev}/vendor`), E1000_VENDOR);
      assert.equal(await read(`${dev}/device`), E1000_DEVICE);
      assert.equal(await read(`${dev}/class`), ETHERNET_CLASS);
      assert.equal(await g.pciDriver(nic.pciAddress), 'e1000');
      const ifname = await g.netdev(0);
      assert.ok(ifname, 'the e1000 driver registered no net device');
      assert.equal(await read(`/sys/class/net/${ifname}/address`), nic.mac);
      // An active DMA remapping unit: without it VFIO has nothing to isolate with.
      assert.match(await g.ok('ls /sys/class/iommu'), /dmar\d/);
    });

    const group = await t.step('iommu group', async () => {
      const link = await g.ok(`readlink ${dev}/iommu_group`);
      const group = link.trim().split('/').pop();
      assert.match(group, /^\d+$/);
      const members = (await g.ok(`ls /sys/kernel/iommu_groups/${group}/devices`))
        .trim()
        .split(/\s+/);
      assert.deepEqual(members, [nic.pciAddress], 'the e1000 must be alone in its IOMMU group');
      return group;
    });

    await t.step('vfio modules', async () => {
      assert.doesNotMatch(
        await g.ok('cat /proc/modules'),
        /^vfio_pci /m,
        'vfio-pci loaded before we asked',
      );
      await g.ok('modprobe vfio-pci && modprobe vfio_iommu_type1');
      const modules = await g.ok('cat /proc/modules');
      for (const m of ['vfio', 'vfio_iommu_type1', 'vfio_pci_core', 'vfio_pci'])
        assert.match(modules, new RegExp(`^${m} `, 'm'));
      await g.ok('test -c /dev/vfio/vfio');
    });

    await t.step('bind vfio-pci', async () => {
      await g.ok(
        `echo vfio-pci > ${dev}/driver_override && echo ${nic.pciAddress} > ${dev}/driver/unbind && ` +
          `echo ${nic.pciAddress} > /sys/bus/pci/drivers_probe`,
      );
      assert.equal(await g.pciDriver(nic.pciAddress), 'vfio-pci');
      await g.ok(`test -c /dev/vfio/${group}`);
      assert.equal(
        await g.netdev(0),
        null,
        'net device still present while vfio-pci holds the NIC',
      );
    });

    await t.step('restore e1000', async () => {
      // An empty driver_override (a lone newline) clears it; drivers_probe then matches by id.
      await g.ok(
        `echo > ${dev}/driver_override && echo ${nic.pciAddress} > ${dev}/driver/unbind && ` +
          `echo ${nic.pciAddress} > /sys/bus/pci/drivers_probe`,
      );
      assert.equal(await g.pciDriver(nic.pciAddress), 'e1000');
      const ifname = await g.netdev(0);
      assert.ok(ifname, 'e1000 came back without a net device');
      assert.equal(await read(`/sys/class/net/${ifname}/address`), nic.mac);
      await g.ok(`test ! -e /dev/vfio/${group}`);
    });
  },
};
