// Self-test and transmit offload on QEMU's e1000, in one guest:
//   - `nicdl selftest`: registers, link, PHY loopback (through MDIC), ring wraparound and
//     interrupts PASS (MAC loopback may SKIP: QEMU does not model it);
//   - transmit checksum offload, judged by the host: the e1000 driver (driven by
//     guest-bin/e1000-offload.mjs, as the CLI has no offload flag) sends UDP and TCP
//     frames whose checksum fields hold garbage, some with IP options, some padded with
//     non-zero bytes, asking for both checksums, one, or none. The host recomputes every
//     checksum: the ones asked for must hold, the others must be the garbage sent, and
//     every other byte must be as built;
//   - the driver's hardware counters for that run (GPTC, GOTC, TPT, TOT, BPTC, MPTC, the
//     size buckets) equal what the host peer received, and QEMU's pcap agrees.
import assert from 'node:assert/strict';
import { BROADCAST_MAC } from '../lib/frames.mjs';
import { checksumsHold, MULTICAST_MAC, offloadCase } from '../lib/l4-frames.mjs';
import { formatOutput } from '../lib/guest.mjs';
import { lastJsonLine, nicdlJson } from '../lib/nicdl-output.mjs';
import { readPcap } from '../lib/pcap.mjs';

const HOST_MAC = '02:00:00:00:00:01';
const OFFLOAD_FRAMES = 600;
const CRC_BYTES = 4;
const MUST_PASS = ['registers', 'link', 'phy-loopback', 'ring-wraparound', 'interrupts'];
const ARRIVAL_TIMEOUT_MS = 20_000;

/** PTC64..PTC1522 (8254x SDM §13.7) for a frame of `bytes` plus its FCS. */
function sizeBucket(bytes) {
  const n = bytes + CRC_BYTES;
  if (n <= 64) return 'PTC64';
  if (n <= 127) return 'PTC127';
  if (n <= 255) return 'PTC255';
  if (n <= 511) return 'PTC511';
  if (n <= 1023) return 'PTC1023';
  return 'PTC1522';
}

/** What is wrong with wire frame `got` for case `c` (null when nothing is). */
function offloadProblem(c, got) {
  if (got.length !== c.frame.length) return `${got.length} bytes, expected ${c.frame.length}`;
  const sums = checksumsHold(got);
  const ipField = c.ipOffset + 10;
  const l4Field = c.l4ChecksumOffset;
  if (c.offload.ipv4 && !sums.ipOk) return 'IPv4 header checksum asked for but wrong';
  if (c.offload.l4 && !sums.l4Ok)
    return `${c.proto === 6 ? 'TCP' : 'UDP'} checksum asked for but wrong`;
  if (!c.offload.ipv4 && got.readUInt16BE(ipField) !== c.frame.readUInt16BE(ipField))
    return 'IPv4 checksum changed although not asked for';
  if (!c.offload.l4 && got.readUInt16BE(l4Field) !== c.frame.readUInt16BE(l4Field))
    return 'L4 checksum changed although not asked for';
  for (let k = 0; k < got.length; k++) {
    const inField = (k >= ipField && k < ipField + 2) || (k >= l4Field && k < l4Field + 2);
    if (!inField && got[k] !== c.frame[k])
      return `byte ${k} is 0x${got[k].toString(16)}, built 0x${c.frame[k].toString(16)}`;
  }
  return null;
}

export default {
  name: 'nicdl selftest passes; TX checksum offload checked by the host; TX counters match',
  requires: { nicdl: ['selftest'] },
  guest: { nics: [{ kind: 'dgram' }] },
  timeoutMs: 300_000,
  async run(g, t) {
    const nic = g.nics[0];
    const pci = nic.pciAddress;

    const st = await t.step('selftest', () => nicdlJson(g, `selftest --pci ${pci}`));
    const verdicts = Object.fromEntries(st.tests.map((x) => [x.name, x]));
    for (const name of MUST_PASS)
      assert.equal(
        verdicts[name]?.verdict,
        'PASS',
        `selftest ${name}: expected PASS, got ${JSON.stringify(verdicts[name])}`,
      );
    assert.ok(
      ['PASS', 'SKIP'].includes(verdicts['mac-loopback']?.verdict),
      `mac-loopback: ${JSON.stringify(verdicts['mac-loopback'])}`,
    );
    assert.equal(st.passed, true, 'selftest overall verdict');
    assert.equal(await g.pciDriver(pci), 'e1000', 'e1000 given back after selftest');

    g.peer.clear();
    const wireBefore = readPcap(nic.pcapPath).length;
    const out = await t.step(`offload: ${OFFLOAD_FRAMES} frames`, async () => {
      const r = await g.run(
        `node test/e2e/guest-bin/e1000-offload.mjs ${pci} ${HOST_MAC} ${OFFLOAD_FRAMES}`,
        { timeoutMs: 120_000 },
      );
      assert.equal(r.code, 0, `e1000-offload.mjs\n${formatOutput(r)}`);
      return lastJsonLine(r.stdout, 'e1000-offload.mjs');
    });
    assert.equal(
      out.driver.tx_completed,
      OFFLOAD_FRAMES,
      `frames the driver saw completed: ${out.driver.tx_completed}`,
    );
    const cases = Array.from({ length: OFFLOAD_FRAMES }, (_, i) =>
      offloadCase(i, { src: out.mac, hostMac: HOST_MAC }),
    );
    const isOurs = (f) =>
      f.length >= 14 && f.subarray(6, 12).equals(cases[0].frame.subarray(6, 12));
    await g.peer
      .waitForCount(OFFLOAD_FRAMES, { filter: isOurs, timeoutMs: ARRIVAL_TIMEOUT_MS })
      .catch(() => {}); // the count check below says what is missing
    const got = g.peer.frames.filter(isOurs);
    assert.equal(
      got.length,
      OFFLOAD_FRAMES,
      `frames at the peer: expected ${OFFLOAD_FRAMES}, got ${got.length}`,
    );
    const problems = cases
      .map((c, i) => [i, c, offloadProblem(c, got[i])])
      .filter(([, , p]) => p !== null)
      .map(([i, c, p]) => `frame ${i} (${c.proto === 6 ? 'TCP' : 'UDP'}, offload ${c.mode}): ${p}`);
    assert.deepEqual(
      problems,
      [],
      `offload results wrong for ${problems.length} of ${OFFLOAD_FRAMES} frames`,
    );

    const asked = cases.filter((c) => c.mode !== 'none').length;
    assert.equal(
      out.driver.tx_csum_offloaded,
      asked,
      'driver: frames whose checksums the device computed',
    );
    assert.equal(out.driver.tx_csum_software, 0, 'driver: no checksum fell back to software');

    const wire = readPcap(nic.pcapPath).length - wireBefore;
    assert.equal(wire, OFFLOAD_FRAMES, `QEMU's pcap: ${wire} frames out`);
    const bytes = got.reduce((n, f) => n + f.length, 0);
    const expected = {
      GPTC: got.length,
      TPT: got.length,
      GOTC: bytes + CRC_BYTES * got.length,
      TOT: bytes + CRC_BYTES * got.length,
      BPTC: cases.filter((c) => c.dst === BROADCAST_MAC).length,
      MPTC: cases.filter((c) => c.dst === MULTICAST_MAC).length,
    };
    for (const f of got) expected[sizeBucket(f.length)] = (expected[sizeBucket(f.length)] ?? 0) + 1;
    const seen = Object.fromEntries(Object.keys(expected).map((k) => [k, Number(out.hardware[k])]));
    assert.deepEqual(seen, expected, `hardware TX counters vs what the host received`);
    t.log(
      `offload: ${asked} frames offloaded, ${out.driver.tx_context_descriptors} context descriptors`,
    );
  },
};
