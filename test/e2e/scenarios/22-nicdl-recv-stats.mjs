// The receive side on QEMU's e1000, in one guest:
//   - `nicdl recv --count N --out /ctl/rx.pcap`: frames injected by the host peer (mixed
//     sizes 60-1514, unicast to us and broadcast, ~8 trips around the 256-slot ring) are
//     written to the pcap intact, with their lengths, in order; frames for another
//     unicast address or an unsubscribed multicast group, interleaved, never show up;
//   - `nicdl stats --watch --json`, stopped with Ctrl-C: the hardware counters (GPRC,
//     GORC, TPR, TOR, BPRC, MPRC, size buckets, MPC) equal what the host sent and QEMU's
//     pcap of the NIC saw, and the driver's own counts agree.
// Frames reach QEMU over a UDP socket. QEMU queues what arrives while the NIC cannot
// receive, drops the queue when bring-up enables bus mastering (receive still off), and
// delivers what queued during the 1 s quiet time after the RCTL write all at once when it
// ends. So the host sends probe frames (60 bytes, their own EtherType) until the first
// one comes through, and counts how many did before sending the test frames.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  BROADCAST_MAC,
  ETH_MAX_FRAME_BYTES,
  ETH_MIN_FRAME_BYTES,
  ethernet,
  parseTestFrame,
  testFrame,
} from '../lib/frames.mjs';
import { formatOutput } from '../lib/guest.mjs';
import { parseJson } from '../lib/nicdl-output.mjs';
import { readPcap } from '../lib/pcap.mjs';

const HOST_MAC = '02:00:00:00:00:01';
const FOREIGN_MAC = '02:00:00:99:99:99';
const UNSUBSCRIBED_MULTICAST = '01:00:5e:7f:00:01';
/** IEEE local experimental EtherType 2: the probe, never a numbered test frame. */
const ETHERTYPE_PROBE = 0x88b6;
const RECV_FRAMES = 2_000;
/** recv's --count leaves room for this many probes before the test frames. */
const MAX_PROBES = 150;
const PROBE_INTERVAL_MS = 200;
/** Probes that queued in QEMU arrive together: no new one for this long means all came. */
const PROBES_QUIET_MS = 1_000;
/** The stats watch reports once a second: probe at about that pace. */
const STATS_PROBE_INTERVAL_MS = 700;
const STATS_FRAMES = 1_000;
const CRC_BYTES = 4; // the counters count the FCS the host never sees
/** Frames in flight to QEMU at most: more could overflow its socket's receive buffer. */
const WINDOW = 64;
const POLL_MS = 20;
const PROGRESS_TIMEOUT_MS = 30_000;
const FIRST_FRAME_TIMEOUT_MS = 90_000;
/** How long the stats watch gets, after the last frame, to print a sample without it. */
const SETTLE_MS = 1_500;

const probe = () =>
  ethernet({
    dst: BROADCAST_MAC,
    src: HOST_MAC,
    type: ETHERTYPE_PROBE,
    payload: Buffer.from('probe'),
  });

function frameBytes(i) {
  if (i % 10 === 0) return ETH_MIN_FRAME_BYTES;
  if (i % 10 === 1) return ETH_MAX_FRAME_BYTES;
  return ETH_MIN_FRAME_BYTES + ((i * 7919) % (ETH_MAX_FRAME_BYTES - ETH_MIN_FRAME_BYTES + 1));
}

/** `count` deliverable frames as [{ frame, ok }], with filtered-out ones (ok false) among them. */
function recvTraffic(ourMac, count) {
  const traffic = [];
  for (let seq = 0, delivered = 0; delivered < count; seq++) {
    const dst =
      seq % 20 === 7
        ? FOREIGN_MAC
        : seq % 50 === 13
          ? UNSUBSCRIBED_MULTICAST
          : seq % 25 === 3
            ? BROADCAST_MAC
            : ourMac;
    const ok = dst === ourMac || dst === BROADCAST_MAC;
    traffic.push({ frame: testFrame({ dst, src: HOST_MAC, seq, length: frameBytes(seq) }), ok });
    if (ok) delivered++;
  }
  return traffic;
}

const frameLines = (job) => (job.output().match(/^\s*\d+ {2}/gm) ?? []).length;

async function until(cond, what, timeoutMs, job, pollMs = POLL_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}\n--- stdout ---\n${job.output().slice(-2000)}\n--- stderr ---\n${job.stderr()}`,
      );
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Sends `frames` so that at most WINDOW are ahead of what `delivered()` reports. */
async function sendPaced(g, traffic, delivered, job, base) {
  let ahead = 0;
  for (let i = 0; i < traffic.length;) {
    const end = Math.min(i + WINDOW / 2, traffic.length);
    const chunk = traffic.slice(i, end);
    await Promise.all(chunk.map((c) => g.peer.send(c.frame)));
    ahead += chunk.filter((c) => c.ok).length;
    i = end;
    await until(
      () => delivered() >= base + ahead - WINDOW / 2,
      `the guest to take frame ${base + ahead - WINDOW / 2}`,
      PROGRESS_TIMEOUT_MS,
      job,
    );
  }
}

/** Waits until the command has taken the device (it brings the driver up next). */
function vfioBound(g, pci) {
  return g.waitFor(
    `[ "$(basename "$(readlink /sys/bus/pci/devices/${pci}/driver)")" = vfio-pci ]`,
    {
      timeoutMs: FIRST_FRAME_TIMEOUT_MS,
      what: `${pci} bound to vfio-pci`,
    },
  );
}

/**
 * Sends a probe every PROBE_INTERVAL_MS until `received()` counts one, then waits until
 * no more come in. Returns { sent, received }.
 */
async function probeUntilReceived(g, received, job, intervalMs = PROBE_INTERVAL_MS) {
  let sent = 0;
  await until(
    () => {
      if (received() > 0) return true;
      g.peer.send(probe());
      sent++;
      return false;
    },
    'a probe frame to be received',
    FIRST_FRAME_TIMEOUT_MS,
    job,
    intervalMs,
  );
  let last = received();
  let lastChangeMs = Date.now();
  await until(
    () => {
      const now = received();
      if (now !== last) [last, lastChangeMs] = [now, Date.now()];
      return Date.now() - lastChangeMs >= PROBES_QUIET_MS;
    },
    'the queued probes to settle',
    FIRST_FRAME_TIMEOUT_MS,
    job,
  );
  return { sent, received: last };
}

/**
 * The receive size counter QEMU 7.2's e1000 bumps for a frame of `bytes` (without FCS),
 * or null. The 8254x SDM (§13.7, PRC64-PRC1522) counts the frame with its FCS; QEMU
 * counts it without, so 64-127 bytes go to PRC127 only from 65 on, a 64-byte frame lands
 * in PRC64 and frames of 60-63 bytes in no bucket at all. (Its PTCxx count with the FCS.)
 */
function qemuRxSizeCounter(bytes) {
  if (bytes > 1023) return 'PRC1522';
  if (bytes > 511) return 'PRC1023';
  if (bytes > 255) return 'PRC511';
  if (bytes > 127) return 'PRC255';
  if (bytes > 64) return 'PRC127';
  if (bytes === 64) return 'PRC64';
  return null;
}

export default {
  name: 'nicdl recv: host frames intact, in order, filtered; nicdl stats counters match the host',
  requires: { nicdl: ['recv', 'stats'] },
  guest: { nics: [{ kind: 'dgram' }] },
  timeoutMs: 360_000,
  async run(g, t) {
    const nic = g.nics[0];
    const pci = nic.pciAddress;

    await t.step(`recv ${RECV_FRAMES} frames`, async () => {
      const count = RECV_FRAMES + MAX_PROBES;
      const job = g.start(
        `exec node /share/bin/run.js recv --pci ${pci} --count ${count} --out /ctl/rx.pcap`,
        { timeoutMs: 240_000 },
      );
      await vfioBound(g, pci);
      const probes = await probeUntilReceived(g, () => frameLines(job), job);
      assert.ok(
        probes.received <= MAX_PROBES,
        `${probes.received} probes received, room for ${MAX_PROBES}`,
      );
      const traffic = recvTraffic(nic.mac, count - probes.received);
      await sendPaced(g, traffic, () => frameLines(job), job, probes.received);
      const r = await job.done;
      assert.equal(r.code, 0, `expected recv to exit 0 after ${count} frames\n${formatOutput(r)}`);

      const got = readPcap(join(g.ctlDir, 'rx.pcap')).map((rec) => rec.data);
      const want = [
        ...Array.from({ length: probes.received }, probe),
        ...traffic.filter((c) => c.ok).map((c) => c.frame),
      ];
      assert.equal(
        got.length,
        want.length,
        `frames in /ctl/rx.pcap: expected ${want.length}, got ${got.length}`,
      );
      const bad = got.findIndex((f, i) => !f.equals(want[i]));
      if (bad >= 0) {
        const p = parseTestFrame(got[bad]);
        const w = parseTestFrame(want[bad]);
        assert.fail(
          `frame ${bad} of the pcap: expected ${w ? `seq ${w.seq}, ` : 'a probe, '}${want[bad].length} bytes; ` +
            `got ${p ? `seq ${p.seq}${p.intact ? '' : ' (corrupted)'}, ` : 'a non-test frame, '}${got[bad].length} bytes` +
            (p && traffic[p.seq] && !traffic[p.seq].ok
              ? ' (a frame the address filter should have dropped)'
              : ''),
        );
      }
      t.log(
        `recv: ${probes.received} of ${probes.sent} probes, then ${got.length - probes.received} test frames in order; ` +
          `${traffic.length - (count - probes.received)} filtered out as they should; ${(r.ms / 1000).toFixed(1)} s`,
      );
    });

    const stats = await t.step(`stats --watch over ${STATS_FRAMES} frames`, async () => {
      const job = g.start(`exec node /share/bin/run.js stats --pci ${pci} --watch --json`, {
        timeoutMs: 240_000,
      });
      const wireBefore = readPcap(nic.pcapPath).length;
      await until(
        () => /^watching /m.test(job.stderr()),
        'stats --watch to start',
        FIRST_FRAME_TIMEOUT_MS,
        job,
      );
      // The watch prints a rate line a second on stderr, naming the counters that moved.
      const probes = await probeUntilReceived(
        g,
        () => (/GPRC/.test(job.stderr()) ? 1 : 0),
        job,
        STATS_PROBE_INTERVAL_MS,
      );
      const frames = Array.from({ length: STATS_FRAMES }, (_, seq) =>
        testFrame({
          dst: seq % 9 === 4 ? BROADCAST_MAC : nic.mac,
          src: HOST_MAC,
          seq,
          length: frameBytes(seq),
        }),
      );
      // No per-frame output to pace by: QEMU's pcap of the NIC says what it has taken in.
      const wireMark = readPcap(nic.pcapPath).length;
      const onWire = () => readPcap(nic.pcapPath).length - wireMark;
      await sendPaced(
        g,
        frames.map((frame) => ({ frame, ok: true })),
        onWire,
        job,
        0,
      );
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      job.kill('INT');
      const r = await job.done;
      assert.equal(r.code, 0, `stats --watch ends with exit 0 at Ctrl-C\n${formatOutput(r)}`);
      const wire = readPcap(nic.pcapPath).length - wireBefore;
      return {
        json: parseJson(r.stdout, 'stats --watch --json'),
        frames,
        probesSent: probes.sent,
        wire,
      };
    });

    const { hardware: hw, driver } = stats.json.statistics;
    assert.equal(
      stats.wire,
      stats.probesSent + STATS_FRAMES,
      `QEMU's pcap: expected ${stats.probesSent} probes + ${STATS_FRAMES} frames in, saw ${stats.wire}`,
    );
    // Every probe sent after "watching" (bring-up done) was received: the first one that
    // showed up in a rate line ended the probing.
    const sent = [...Array.from({ length: stats.probesSent }, probe), ...stats.frames];
    const bytes = sent.reduce((n, f) => n + f.length, 0);
    const expected = {
      GPRC: sent.length,
      TPR: sent.length,
      GORC: bytes + CRC_BYTES * sent.length,
      TOR: bytes + CRC_BYTES * sent.length,
      BPRC: sent.filter((f) => f.subarray(0, 6).equals(Buffer.alloc(6, 0xff))).length,
      MPRC: 0,
      MPC: 0,
      CRCERRS: 0,
      RXERRC: 0,
    };
    for (const name of ['PRC64', 'PRC127', 'PRC255', 'PRC511', 'PRC1023', 'PRC1522'])
      expected[name] = sent.filter((f) => qemuRxSizeCounter(f.length) === name).length;
    const seen = Object.fromEntries(Object.keys(expected).map((k) => [k, Number(hw[k])]));
    assert.deepEqual(
      seen,
      expected,
      `hardware counters after ${stats.probesSent} probes and ${STATS_FRAMES} frames (expected: what the host sent)`,
    );
    assert.equal(Number(driver.rx_packets), sent.length, 'driver rx_packets');
    assert.equal(Number(driver.rx_bytes), bytes, 'driver rx_bytes (without FCS)');
  },
};
