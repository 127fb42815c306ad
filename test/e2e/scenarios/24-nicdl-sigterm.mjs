// SIGTERM in the middle of `nicdl pktgen --duration 60` on QEMU's e1000, twice:
//   1. the NIC starts on the kernel's e1000 driver, so pktgen binds it for its run: after
//      SIGTERM it must exit 143 with a summary and one error line, transmit nothing more,
//      and the kernel e1000 driver must be bound again with a working net device (link up
//      when the interface is brought up), all checked from the guest;
//   2. the NIC was given to vfio-pci beforehand (`nicdl bind`), so it stays there and the
//      state the run left is visible: bus mastering off in the PCI command register (read
//      from sysfs `config`), and TCTL.EN / RCTL.EN clear with TDH = TDT (read by `nicdl
//      dump`). vfio-pci itself turns bus mastering off when the last user closes the
//      device; the transmit and receive enables are our driver's quiesce alone.
import assert from 'node:assert/strict';
import { formatOutput } from '../lib/guest.mjs';
import { nicdlJson, registersByName } from '../lib/nicdl-output.mjs';

const SIGTERM_EXIT = 143; // 128 + 15
const PCI_COMMAND_OFFSET = 4;
const PCI_COMMAND_MASTER = 1 << 2;
/** Frames seen at the peer before the signal: the run is surely in its traffic loop. */
const TRAFFIC_FRAMES = 2_000;
const TRAFFIC_TIMEOUT_MS = 90_000;
/** After exit, how long any late frame would have to show up. */
const SILENCE_MS = 1_000;
/** A run told to stop must be gone well before its 3 s grace period ends. */
const EXIT_WITHIN_MS = 10_000;

async function pktgenUntilTerm(g, t, label) {
  const pci = g.nics[0].pciAddress;
  g.peer.clear();
  const job = g.start(`exec node /share/bin/run.js pktgen --pci ${pci} --duration 60`, {
    timeoutMs: 180_000,
  });
  await t.step(`${label}: traffic`, () =>
    g.peer.waitForCount(TRAFFIC_FRAMES, { timeoutMs: TRAFFIC_TIMEOUT_MS, what: 'pktgen frames' }),
  );
  const killedAt = Date.now();
  job.kill('TERM');
  const r = await job.done;
  const exitMs = Date.now() - killedAt;
  await new Promise((res) => setTimeout(res, SILENCE_MS));
  assert.equal(
    r.code,
    SIGTERM_EXIT,
    `pktgen after SIGTERM: expected exit ${SIGTERM_EXIT}\n${formatOutput(r)}`,
  );
  assert.ok(exitMs < EXIT_WITHIN_MS, `pktgen took ${exitMs} ms to exit after SIGTERM`);
  const sent = Number(r.stdout.match(/^sent ([\d,]+) frames/m)?.[1].replace(/,/g, ''));
  assert.ok(sent > 0, `pktgen printed its summary before exiting\n${formatOutput(r)}`);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('nicdl: error'));
  assert.equal(errors.length, 1, `one error line for the interruption\n${formatOutput(r)}`);
  assert.match(errors[0], /E_INTERRUPTED: .*stopped by SIGTERM/, 'the error names the signal');
  assert.equal(
    g.peer.frames.length,
    sent,
    `frames at the peer ${SILENCE_MS} ms after exit: expected the ${sent} pktgen reports sent, ` +
      `got ${g.peer.frames.length} (more: the NIC kept transmitting; fewer: frames lost)`,
  );
  return { exitMs, sent };
}

export default {
  name: 'nicdl pktgen stopped by SIGTERM mid-traffic: device quiesced, original driver back',
  requires: { nicdl: ['pktgen', 'bind', 'dump'] },
  guest: { nics: [{ kind: 'dgram' }] },
  timeoutMs: 360_000,
  async run(g, t) {
    const nic = g.nics[0];
    const pci = nic.pciAddress;

    const first = await pktgenUntilTerm(g, t, 'bound by pktgen');
    assert.equal(await g.pciDriver(pci), 'e1000', 'the kernel e1000 driver is bound again');
    const ifname = await g.netdev(nic.index);
    assert.ok(ifname, 'e1000 is back but registered no net device');
    assert.equal((await g.ok(`cat /sys/class/net/${ifname}/address`)).trim(), nic.mac);
    await g.ok(`ip link set ${ifname} up`);
    await g.waitFor(`[ "$(cat /sys/class/net/${ifname}/carrier 2>/dev/null)" = 1 ]`, {
      what: 'carrier on the kernel driver after SIGTERM',
    });
    await g.ok(`ip link set ${ifname} down`);

    const r = await g.nicdl(`bind ${pci}`);
    assert.equal(r.code, 0, `nicdl bind\n${formatOutput(r)}`);
    const second = await pktgenUntilTerm(g, t, 'pre-bound');
    assert.equal(
      await g.pciDriver(pci),
      'vfio-pci',
      'a device bound before the run stays with vfio-pci',
    );
    const command = Number(
      (
        await g.ok(`od -An -tu2 -j${PCI_COMMAND_OFFSET} -N2 /sys/bus/pci/devices/${pci}/config`)
      ).trim(),
    );
    assert.equal(
      command & PCI_COMMAND_MASTER,
      0,
      `PCI command register 0x${command.toString(16)}: bus mastering still on after SIGTERM`,
    );
    const regs = registersByName(
      await nicdlJson(
        g,
        `dump --pci ${pci} ${['TCTL', 'RCTL', 'TDH', 'TDT'].map((x) => `--register ${x}`).join(' ')}`,
      ),
    );
    assert.equal(
      regs.TCTL.fields.EN,
      0,
      `TCTL.EN after SIGTERM (TCTL 0x${regs.TCTL.value.toString(16)})`,
    );
    assert.equal(
      regs.RCTL.fields.EN,
      0,
      `RCTL.EN after SIGTERM (RCTL 0x${regs.RCTL.value.toString(16)})`,
    );
    assert.equal(regs.TDH.value, regs.TDT.value, 'TDH = TDT: no transmit left pending');
    t.log(
      `SIGTERM: exit after ${first.exitMs} ms (${first.sent} frames), ${second.exitMs} ms (${second.sent} frames)`,
    );
  },
};
