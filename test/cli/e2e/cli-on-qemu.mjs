// The hardware commands on QEMU's e1000 through VFIO, in the e2e guest (test/e2e): each
// --pci run binds the NIC to vfio-pci, drives it, and gives it back to the kernel e1000
// driver. Not in `npm run test:e2e` (test/e2e/scenarios is the bench's own list); run it:
//
//   npm run build && NICDL_E2E_SCENARIO_DIR=test/cli/e2e node test/e2e/run.mjs
//
// Under TCG each command spends ~15 s starting node and compiling the spec in the guest.
import assert from 'node:assert/strict';
import { testFrame } from '../../e2e/lib/frames.mjs';
import { SLIRP } from '../../e2e/lib/layout.mjs';
import { checkTestFrame, parseMac } from '../../../dist/runtime/packet/index.js';

const COMMAND_MS = 180_000;
const PEER_MAC = '02:00:00:00:00:01';

export default {
  name: 'nicdl load/ping/selftest/send/recv/pktgen on QEMU e1000 through VFIO',
  requires: { nicdl: ['load', 'ping', 'selftest', 'send', 'recv', 'pktgen', 'dump'] },
  guest: { nics: [{ kind: 'dgram' }, { kind: 'user' }] },
  timeoutMs: 900_000,
  async run(g, t) {
    const slirp = g.nics.find((n) => n.kind === 'user');
    const nic = g.nics.find((n) => n.kind === 'dgram');
    const nicdl = (args) => g.run(`node bin/run.js ${args}`, { timeoutMs: COMMAND_MS });
    const restored = async (n) =>
      assert.equal(await g.pciDriver(n.pciAddress), 'e1000', 'kernel driver restored');

    await t.step('load: bring-up + PHY loopback self-test', async () => {
      const r = await nicdl(`load --pci ${slirp.pciAddress}`);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`MAC        ${slirp.mac}`));
      assert.match(r.stdout, /sent 1,000, received 1,000: all intact and in order/);
      await restored(slirp);
    });

    await t.step('ping the slirp gateway', async () => {
      const r = await nicdl(
        `ping ${SLIRP.gatewayIp} --pci ${slirp.pciAddress} --count 3 --interval 0.2`,
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^3 packets transmitted, 3 received, 0% packet loss, time \d+ms$/m);
      assert.match(r.stdout, /^rtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms$/m);
      await restored(slirp);
    });

    await t.step('selftest', async () => {
      const r = await nicdl(`selftest --pci ${nic.pciAddress}`);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      for (const test of ['registers', 'link', 'phy-loopback', 'ring-wraparound', 'interrupts'])
        assert.match(r.stdout, new RegExp(`^${test}\\s+PASS`, 'm'));
      await restored(nic);
    });

    await t.step('dump decodes STATUS', async () => {
      const r = await nicdl(`dump --pci ${nic.pciAddress} --register STATUS --json`);
      assert.equal(r.code, 0, r.stderr);
      const [status] = JSON.parse(r.stdout).registers;
      assert.equal(status.fields.find((f) => f.name === 'LU').value, 1);
    });

    await t.step('send: the peer gets every frame intact', async () => {
      g.peer.clear();
      const r = await nicdl(`send --pci ${nic.pciAddress} --count 20 --size 200 --dst ${PEER_MAC}`);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const frames = await g.peer.waitForCount(20, {
        filter: (f) => f.subarray(0, 6).equals(Buffer.from(parseMac(PEER_MAC))),
      });
      frames
        .slice(0, 20)
        .forEach((f, i) =>
          assert.equal(checkTestFrame(f, i, parseMac(PEER_MAC), parseMac(nic.mac)), undefined),
        );
    });

    await t.step('recv: frames from the peer', async () => {
      const job = g.start(
        `exec node bin/run.js recv --pci ${nic.pciAddress} --count 10 --timeout 120000 --quiet --json`,
        {
          timeoutMs: COMMAND_MS,
        },
      );
      let ended = false;
      job.done.finally(() => (ended = true));
      for (let seq = 0; !ended; seq++) {
        g.peer.send(testFrame({ seq, length: 100, dst: nic.mac, src: PEER_MAC }));
        await new Promise((r) => setTimeout(r, 200));
      }
      const r = await job.done;
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(JSON.parse(r.stdout).received, 10);
    });

    await t.step('Ctrl-C stops pktgen in order', async () => {
      const job = g.start(`exec node bin/run.js pktgen --pci ${nic.pciAddress} --duration 120`, {
        timeoutMs: COMMAND_MS,
      });
      // The first live line: the NIC is up and sending.
      for (let i = 0; i < 600 && !/^pktgen\s+\d+ s:/m.test(job.stderr()); i++)
        await new Promise((r) => setTimeout(r, 200));
      await job.kill('INT');
      const r = await job.done;
      assert.equal(r.code, 130, r.stdout + r.stderr);
      assert.match(r.stdout, /^sent [\d,]+ frames of 60 bytes/m);
      assert.match(
        r.stderr,
        /^nicdl: error E_INTERRUPTED: pktgen \([\d.]+ of 120 s\) stopped by SIGINT$/m,
      );
      await restored(nic);
    });
  },
};
