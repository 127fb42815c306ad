// The second NIC (-netdev user, slirp) is a real ping target: with the guest kernel's
// e1000 driver, `ping 10.0.2.2` gets answers, and the NIC's pcap (written by QEMU, not by
// the guest) shows the echo requests and replies. This is the baseline for `nicdl ping`.
import assert from 'node:assert/strict';
import { SLIRP } from '../lib/layout.mjs';
import { readPcap } from '../lib/pcap.mjs';
import { IPPROTO_ICMP, parseEthernet, verifyIpv4Checksums } from '../lib/frames.mjs';

const PINGS = 3;
const ICMP_ECHO_REQUEST = 8;
const ICMP_ECHO_REPLY = 0;

export default {
  name: 'kernel e1000: ping 10.0.2.2 through the slirp NIC',
  guest: { nics: [{ kind: 'dgram' }, { kind: 'user' }], modules: ['share', 'nic'] },
  timeoutMs: 90_000,
  async run(g, t) {
    const slirp = g.nics.find((n) => n.kind === 'user');
    const ifname = await g.netdev(slirp.index);
    assert.ok(ifname, 'no net device for the slirp NIC');
    await t.step('link up', async () => {
      await g.ok(
        `ip addr add ${SLIRP.guestIp}/${SLIRP.prefix} dev ${ifname} && ip link set ${ifname} up`,
      );
      await g.waitFor(`[ "$(cat /sys/class/net/${ifname}/carrier 2>/dev/null)" = 1 ]`, {
        what: 'carrier',
      });
    });
    const out = await t.step('ping', () => g.ok(`ping -c ${PINGS} -W 5 ${SLIRP.gatewayIp}`));
    assert.match(out, new RegExp(`${PINGS} packets transmitted, ${PINGS} packets received`), out);

    const icmp = readPcap(slirp.pcapPath)
      .map((r) => ({ eth: parseEthernet(r.data), ip: verifyIpv4Checksums(r.data) }))
      .filter((p) => p.ip?.proto === IPPROTO_ICMP)
      .map((p) => ({ type: p.eth.payload[20], src: p.ip.src, dst: p.ip.dst }));
    const requests = icmp.filter(
      (p) => p.type === ICMP_ECHO_REQUEST && p.src === SLIRP.guestIp && p.dst === SLIRP.gatewayIp,
    );
    const replies = icmp.filter(
      (p) => p.type === ICMP_ECHO_REPLY && p.src === SLIRP.gatewayIp && p.dst === SLIRP.guestIp,
    );
    assert.equal(requests.length, PINGS, 'echo requests on the wire');
    assert.equal(replies.length, PINGS, 'echo replies on the wire');
  },
};
