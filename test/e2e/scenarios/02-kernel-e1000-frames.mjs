// The device model and the host peer, proved with the guest kernel's own e1000 driver (and
// the baseline our driver will be compared with): UDP datagrams built on the host reach a
// socket in the guest through QEMU's e1000 and the kernel stack, which checks their IP
// and UDP checksums; the guest echoes them, and the host receives the guest's ARP request
// and every echo intact, in order, with valid checksums.
import assert from 'node:assert/strict';
import {
  ARP_REQUEST,
  ETH_MAX_FRAME_BYTES,
  IPPROTO_UDP,
  ipv4Udp,
  parseArp,
  parseEthernet,
  verifyIpv4Checksums,
} from '../lib/frames.mjs';
import { answerArp } from '../lib/peer.mjs';

// RFC 5737 documentation addresses: on a wire that is a UDP socket on loopback.
const GUEST_IP = '192.0.2.2';
const HOST_IP = '192.0.2.1';
const HOST_MAC = '02:00:00:00:00:01'; // locally administered
const ECHO_PORT = 7777;
const HOST_PORT = 40000;
const DATAGRAMS = 120;
// Datagrams in flight at once. node under TCG drains its socket slowly; a larger burst
// overflows the guest socket's receive buffer (UDP RcvbufErrors), which is not what we test.
const WINDOW = 8;
const HEADERS_BYTES = 14 + 20 + 8; // Ethernet + IPv4 + UDP
const MAX_PAYLOAD_BYTES = ETH_MAX_FRAME_BYTES - HEADERS_BYTES;

/** Payload i: sizes from 1 byte to a full 1472-byte MTU, each with its index inside. */
function payload(i) {
  const size = 1 + Math.floor((i * (MAX_PAYLOAD_BYTES - 1)) / (DATAGRAMS - 1));
  const p = Buffer.alloc(size, i & 0xff);
  if (size >= 4) p.writeUInt32BE(i, 0);
  return p;
}

export default {
  name: 'kernel e1000: host frames in, guest frames out (UDP echo, ARP), checksums intact',
  guest: { nics: [{ kind: 'dgram' }], modules: ['share', 'nic'] },
  timeoutMs: 120_000,
  async run(g, t) {
    const nic = g.nics[0];
    const ifname = await g.netdev(0);
    assert.ok(ifname, 'no net device for the e1000');
    const stats = async () => {
      const out = await g.ok(
        `cd /sys/class/net/${ifname}/statistics && cat rx_packets tx_packets rx_bytes`,
      );
      const [rxPackets, txPackets, rxBytes] = out.trim().split(/\s+/).map(Number);
      return { rxPackets, txPackets, rxBytes };
    };

    await t.step('link up', async () => {
      // No IPv6: its autoconfiguration traffic would be noise on the wire we check.
      await g.ok(
        `echo 1 > /proc/sys/net/ipv6/conf/${ifname}/disable_ipv6; ip addr add ${GUEST_IP}/24 dev ${ifname} && ip link set ${ifname} up`,
      );
      await g.waitFor(`[ "$(cat /sys/class/net/${ifname}/carrier 2>/dev/null)" = 1 ]`, {
        what: 'carrier',
      });
    });
    const before = await stats();
    answerArp(g.peer, { ip: HOST_IP, mac: HOST_MAC });
    const echo = g.start(`node test/e2e/guest-bin/udp-echo.mjs ${ECHO_PORT} ${DATAGRAMS}`);
    await echo.waitForOutput(/listening/);

    const sent = Array.from({ length: DATAGRAMS }, (_, i) =>
      ipv4Udp({
        srcMac: HOST_MAC,
        dstMac: nic.mac,
        srcIp: HOST_IP,
        dstIp: GUEST_IP,
        srcPort: HOST_PORT,
        dstPort: ECHO_PORT,
        payload: payload(i),
        id: i,
      }),
    );
    const isEcho = (f) => {
      const c = verifyIpv4Checksums(f);
      return c !== null && c.proto === IPPROTO_UDP && c.src === GUEST_IP && c.dst === HOST_IP;
    };
    const echoes = await t.step(`${DATAGRAMS} datagrams each way`, async () => {
      let got = [];
      for (let i = 0; i < DATAGRAMS; i += WINDOW) {
        await g.peer.sendAll(sent.slice(i, i + WINDOW));
        const want = Math.min(i + WINDOW, DATAGRAMS);
        got = await g.peer
          .waitForCount(want, { filter: isEcho, timeoutMs: 20_000, what: 'UDP echoes' })
          .catch(async (e) => {
            throw new Error(
              `${e.message}\nguest UDP counters:\n${await g.ok('grep Udp: /proc/net/snmp')}`,
            );
          });
      }
      return got;
    });

    const summary = JSON.parse((await echo.done).stdout.trim().split('\n').pop());
    assert.equal(summary.received, DATAGRAMS, 'guest socket received every datagram');

    const arpRequest = g.peer.frames
      .map(parseArp)
      .find((a) => a && a.op === ARP_REQUEST && a.targetIp === HOST_IP);
    assert.ok(arpRequest, 'the guest asked for the host by ARP');
    assert.equal(arpRequest.senderMac, nic.mac);
    assert.equal(arpRequest.senderIp, GUEST_IP);

    echoes.forEach((frame, i) => {
      const c = verifyIpv4Checksums(frame);
      assert.ok(c.ipOk && c.l4Ok, `echo ${i}: IPv4 and UDP checksums valid`);
      const eth = parseEthernet(frame);
      assert.equal(eth.src, nic.mac);
      assert.equal(eth.dst, HOST_MAC);
      const udpPayload = eth.payload.subarray(20 + 8, 20 + eth.payload.readUInt16BE(2) - 20);
      assert.deepEqual(
        udpPayload,
        payload(i),
        `echo ${i} carries datagram ${i}, intact and in order`,
      );
    });

    const after = await stats();
    assert.ok(
      after.rxPackets - before.rxPackets >= DATAGRAMS,
      `rx_packets grew by ${after.rxPackets - before.rxPackets}`,
    );
    assert.ok(
      after.txPackets - before.txPackets >= DATAGRAMS + 1,
      'tx_packets counts the echoes and the ARP request',
    );
    const sentBytes = sent.reduce((n, f) => n + f.length, 0);
    assert.ok(
      after.rxBytes - before.rxBytes >= sentBytes,
      `rx_bytes grew by ${after.rxBytes - before.rxBytes} < ${sentBytes}`,
    );
  },
};
