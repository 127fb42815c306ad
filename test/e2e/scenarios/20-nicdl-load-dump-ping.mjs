// nicdl's bring-up on QEMU's e1000, in one guest:
//   - the station address comes from the EEPROM: the kernel driver first writes a
//     different address into RAL0/RAH0, `nicdl dump` (device as found) must show that one,
//     and `nicdl load` must still report the `mac=` QEMU put in the EEPROM;
//   - `nicdl load` passes its PHY loopback self-test with counters that agree;
//   - `nicdl dump --up` decodes the live registers the driver programmed: STATUS.LU,
//     RAL0/RAH0 = the EEPROM MAC with AV, RCTL/TCTL enables, the ring lengths asked for;
//     each decoded field is checked against the raw value by our own bit arithmetic;
//   - `nicdl ping 10.0.2.2` through the slirp NIC: every echo answered, and QEMU's pcap of
//     that NIC shows the requests (valid checksums) and the replies.
// `nicdl devices` and `nicdl bind/unbind` on their own: 10-nicdl-devices, 11-nicdl-bind-unbind.
import assert from 'node:assert/strict';
import {
  IPPROTO_ICMP,
  internetChecksum,
  parseEthernet,
  verifyIpv4Checksums,
} from '../lib/frames.mjs';
import { SLIRP } from '../lib/layout.mjs';
import { bitsOf, macOfReceiveAddress, nicdlJson, registersByName } from '../lib/nicdl-output.mjs';
import { readPcap } from '../lib/pcap.mjs';

/** Given to QEMU, so it is what the EEPROM holds (not QEMU's default 52:54:00:12:34:56). */
const EEPROM_MAC = '02:4e:44:4c:20:01';
/** Written into RAL0/RAH0 by the kernel driver before nicdl runs. */
const KERNEL_MAC = '02:4b:45:52:4e:4c';
const RX_RING = 512;
const TX_RING = 128;
const DESC_BYTES = 16; // 8254x SDM §3.2.3 / §3.3.3
const SELFTEST_FRAMES = 300;
const PINGS = 5;
const ICMP_ECHO_REQUEST = 8;
const ICMP_ECHO_REPLY = 0;

export default {
  name: 'nicdl load/dump/ping: EEPROM MAC, PHY loopback, live registers decoded, slirp ping',
  requires: { nicdl: ['bind', 'load', 'dump', 'ping'] },
  guest: { nics: [{ kind: 'dgram', mac: EEPROM_MAC }, { kind: 'user' }] },
  timeoutMs: 360_000,
  async run(g, t) {
    const [nic, slirp] = g.nics;
    const pci = nic.pciAddress;

    await t.step('kernel writes another MAC into RAL0, nicdl bind', async () => {
      const ifname = await g.netdev(nic.index);
      await g.ok(`ip link set ${ifname} address ${KERNEL_MAC}`);
      const r = await g.nicdl(`bind ${pci}`);
      assert.equal(r.code, 0, `nicdl bind ${pci}: ${r.stdout}${r.stderr}`);
      assert.equal(await g.pciDriver(pci), 'vfio-pci', 'driver after nicdl bind');
    });

    await t.step('dump as found shows the kernel-written address', async () => {
      const regs = registersByName(
        await nicdlJson(
          g,
          `dump --pci ${pci} --register STATUS --register 'RAL[0]' --register 'RAH[0]'`,
        ),
      );
      const seen = macOfReceiveAddress(regs['RAL[0]'].value, regs['RAH[0]'].value);
      assert.equal(
        seen,
        KERNEL_MAC,
        `RAL0/RAH0 as found: expected the kernel's ${KERNEL_MAC}, dump read ${seen}`,
      );
      assert.equal(regs['RAH[0]'].fields.AV, 1, 'RAH0.AV as found');
    });

    const load = await t.step('load: EEPROM MAC, PHY loopback self-test', () =>
      nicdlJson(g, `load --pci ${pci} --frames ${SELFTEST_FRAMES}`),
    );
    assert.equal(
      load.nic.mac,
      EEPROM_MAC,
      `load must read the MAC from the EEPROM (${EEPROM_MAC}); RAL0 held ${KERNEL_MAC}; it reported ${load.nic.mac}`,
    );
    assert.deepEqual(load.nic.link, { up: true, speedMbps: 1000, fullDuplex: true }, 'link');
    const st = load.selftest;
    assert.ok(
      st.ok &&
        st.sent === SELFTEST_FRAMES &&
        st.received === SELFTEST_FRAMES &&
        st.mismatches === 0,
      `PHY loopback: expected ${SELFTEST_FRAMES} sent and back intact, got ${JSON.stringify(st)}`,
    );
    assert.equal(
      st.countersAgree,
      true,
      `hardware and driver counters: ${JSON.stringify(st.counters)}`,
    );
    const delta = (name) =>
      st.counters.find((c) => c.name === name && c.source === 'hardware')?.delta;
    assert.equal(delta('GPTC'), SELFTEST_FRAMES, 'GPTC delta = frames sent in loopback');
    assert.equal(delta('GPRC'), SELFTEST_FRAMES, 'GPRC delta = frames back through loopback');

    const regs = await t.step('dump --up decodes the live registers', async () =>
      registersByName(
        await nicdlJson(
          g,
          `dump --pci ${pci} --up --rx-ring ${RX_RING} --tx-ring ${TX_RING} ` +
            ['STATUS', 'RAL[0]', 'RAH[0]', 'RCTL', 'TCTL', 'RDLEN', 'TDLEN']
              .map((r) => `--register '${r}'`)
              .join(' '),
        ),
      ),
    );
    const expectFields = (name, expected) => {
      const r = regs[name];
      assert.ok(r && typeof r.value === 'number', `${name} missing or unread in the dump`);
      for (const [field, [hi, lo, want]] of Object.entries(expected)) {
        const raw = bitsOf(r.value, hi, lo);
        assert.equal(
          r.fields[field],
          raw,
          `${name}.${field}: dump decoded ${r.fields[field]} but bits [${hi}:${lo}] of 0x${r.value.toString(16)} are ${raw}`,
        );
        if (want !== undefined)
          assert.equal(
            raw,
            want,
            `${name}.${field}: expected ${want}, device has ${raw} (0x${r.value.toString(16)})`,
          );
      }
    };
    // 8254x SDM §13.4.2 STATUS, §13.5.3 RAH, §13.4.22 RCTL, §13.4.33 TCTL.
    expectFields('STATUS', { FD: [0, 0, 1], LU: [1, 1, 1], SPEED: [7, 6, 2] });
    assert.equal(regs.STATUS.enums.SPEED, 'S1000', 'STATUS.SPEED decoded by enum name');
    expectFields('RAH[0]', { ADDR_HI: [15, 0], AV: [31, 31, 1] });
    const mac = macOfReceiveAddress(regs['RAL[0]'].value, regs['RAH[0]'].value);
    assert.equal(mac, EEPROM_MAC, `RAL0/RAH0 after bring-up: expected ${EEPROM_MAC}, got ${mac}`);
    expectFields('RCTL', { EN: [1, 1, 1], UPE: [3, 3, 0], BAM: [15, 15, 1], SECRC: [26, 26, 1] });
    expectFields('TCTL', { EN: [1, 1, 1], PSP: [3, 3, 1] });
    assert.equal(regs.RDLEN.value, RX_RING * DESC_BYTES, `RDLEN for --rx-ring ${RX_RING}`);
    assert.equal(regs.TDLEN.value, TX_RING * DESC_BYTES, `TDLEN for --tx-ring ${TX_RING}`);

    const ping = await t.step(`ping ${SLIRP.gatewayIp} through the slirp NIC`, () =>
      nicdlJson(
        g,
        `ping ${SLIRP.gatewayIp} --pci ${slirp.pciAddress} --count ${PINGS} --interval 0.2`,
      ),
    );
    assert.equal(ping.transmitted, PINGS, `echo requests sent: ${JSON.stringify(ping)}`);
    assert.equal(ping.received, PINGS, `replies: expected ${PINGS}, got ${ping.received}`);
    assert.equal(ping.lossPercent, 0, 'loss');
    assert.deepEqual(
      ping.replies.map((r) => r.seq),
      Array.from({ length: PINGS }, (_, i) => i + 1),
      'one reply per sequence number, in order',
    );
    const icmp = readPcap(slirp.pcapPath)
      .map((r) => ({ eth: parseEthernet(r.data), ip: verifyIpv4Checksums(r.data) }))
      .filter((p) => p.ip?.proto === IPPROTO_ICMP);
    const requests = icmp.filter(
      (p) =>
        p.eth.payload[20] === ICMP_ECHO_REQUEST &&
        p.ip.src === SLIRP.guestIp &&
        p.ip.dst === SLIRP.gatewayIp,
    );
    const replies = icmp.filter(
      (p) =>
        p.eth.payload[20] === ICMP_ECHO_REPLY &&
        p.ip.src === SLIRP.gatewayIp &&
        p.ip.dst === SLIRP.guestIp,
    );
    assert.equal(
      requests.length,
      PINGS,
      `echo requests on the slirp wire (pcap): ${requests.length}`,
    );
    assert.equal(replies.length, PINGS, `echo replies on the slirp wire (pcap): ${replies.length}`);
    for (const r of requests) {
      assert.equal(r.eth.src, slirp.mac, 'requests come from the slirp NIC MAC');
      assert.ok(r.ip.ipOk, 'echo request IPv4 header checksum (recomputed on the host)');
      const ipBytes = r.eth.payload.readUInt16BE(2);
      assert.equal(
        internetChecksum(r.eth.payload.subarray(20, ipBytes)),
        0,
        'echo request ICMP checksum',
      );
    }
    assert.equal(
      await g.pciDriver(slirp.pciAddress),
      'e1000',
      'slirp NIC given back to e1000 after ping',
    );
  },
};
