// The second NIC: QEMU's `-device e1000e` (82574L) driven by nicdl's e1000e driver over
// VFIO in the guest, checked from the host peer:
//   - `nicdl bind` gives the 82574L to vfio-pci;
//   - the driver comes up with two queues (bring-up from e1000e.nicdl's sequences);
//   - frames transmitted from transmit queue 0 and from transmit queue 1 all reach the
//     host peer intact (numbered test frames, the queue in the sequence number);
//   - TCP/IPv4 frames of many flows sent by the host land on both receive queues, each
//     flow always on one queue, the one the Toeplitz hash of its addresses and ports
//     (computed here on the host, independently of QEMU) picks in the driver's table;
//   - per-queue and total packets per second, transmit and receive, are printed beside the
//     kernel's own e1000e driver measured in the same guest, same run, before the bind
//     (pktgen for transmit; the same host flood for receive, counted by rx_packets).
//
// Host:  node test/e2e/run.mjs e1000e   (needs `npm run build` first)
// The same file runs in the guest as `node 30-e1000e.mjs --guest ADDRESS TX_PER_QUEUE RX_TOTAL`.
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';

const TX_PER_QUEUE = 64;
const FLOWS = 16;
const FRAMES_PER_FLOW = 4;
const RX_TOTAL = FLOWS * FRAMES_PER_FLOW;
/** Seconds each rate measurement runs, and the untimed warm-up before them. */
const RATE_SECONDS = 2;
const WARM_UP_SECONDS = 0.5;
/** pktgen frames for the kernel driver's transmit rate. */
const KERNEL_TX_FRAMES = 100_000;
/** A flood never runs longer than this, whatever the guest does. */
const FLOOD_LIMIT_MS = 30_000;
const TEST_FRAME_BYTES = 60;
/** Sequence numbers of test frames from queue q start at q * QUEUE_SEQ. */
const QUEUE_SEQ = 1_000_000;
const SERVER_IP = '198.51.100.1';
const SERVER_PORT = 80;
const CLIENT_IP = '203.0.113.7';
const CLIENT_PORT_BASE = 40_000;
const PEER_MAC = '02:00:00:00:00:01';
/** Where a TCP frame's source port sits: after the Ethernet (14) and IPv4 (20) headers. */
const TCP_SRC_PORT_OFFSET = 14 + 20;

// ---------------------------------------------------------------- guest side

async function guestMain(address, txPerQueue, rxTotal) {
  const dist = (p) => new URL(`../../../dist/${p}`, import.meta.url).href;
  const rt = await import(dist('runtime/index.js'));
  const { loadIr } = await import(dist('spec/index.js'));
  const e1000e = (await import(dist('drivers/e1000e/index.js'))).default;
  const { testFrame, BROADCAST_MAC } = await import('../lib/frames.mjs');
  const out = (o) => console.log(JSON.stringify(o));
  const tick = () => new Promise((r) => setImmediate(r));

  const dev = rt.openVfioDevice(address);
  const nic = await e1000e.open(dev, loadIr(e1000e.specPath), { queues: 2 });
  out({
    ready: {
      mac: nic.mac,
      link: nic.link(),
      warnings: nic.facts.warnings,
      queues: nic.config.queues,
    },
  });

  // Transmit: each queue its numbered frames; reclaim as the rings fill.
  for (let q = 0; q < 2; q++) {
    const frames = Array.from({ length: txPerQueue }, (_, i) =>
      testFrame({
        dst: BROADCAST_MAC,
        src: nic.mac,
        seq: q * QUEUE_SEQ + i,
        length: TEST_FRAME_BYTES,
      }),
    );
    for (let sent = 0; sent < frames.length; await tick()) {
      sent += nic.transmit(frames.slice(sent), undefined, q);
      nic.reclaim(q);
    }
  }
  out({ tx: { perQueue: [txPerQueue, txPerQueue] } });

  // Receive: every frame the host sends, noting its queue and client port.
  out({ rxReady: true });
  const got = [];
  const deadline = performance.now() + 60_000;
  while (got.length < rxTotal && performance.now() < deadline) {
    const n = nic.receive(64, (f, m) =>
      got.push({
        port: (f[TCP_SRC_PORT_OFFSET] << 8) | f[TCP_SRC_PORT_OFFSET + 1],
        queue: m.queue,
        ip: m.ipChecksum,
        l4: m.l4Checksum,
      }),
    );
    if (n === 0) await new Promise((r) => setTimeout(r, 1));
  }
  out({ rx: got });

  // Transmit rate per queue, then both queues together (after a warm-up: the JIT).
  const rate = (queues, seconds) => {
    const frame = testFrame({ dst: PEER_MAC, src: nic.mac, seq: 0, length: TEST_FRAME_BYTES });
    const burst = new Array(32).fill(frame);
    const sent = [0, 0];
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      for (const q of queues) {
        nic.reclaim(q);
        sent[q] += nic.transmit(burst, undefined, q);
      }
    }
    const s = (performance.now() - t0) / 1000;
    return sent.map((n) => Math.round(n / s));
  };
  rate([0, 1], WARM_UP_SECONDS);
  out({
    txRate: {
      q0: rate([0], RATE_SECONDS)[0],
      q1: rate([1], RATE_SECONDS)[1],
      both: rate([0, 1], RATE_SECONDS),
    },
  });

  // Receive rate: from the first frame of the host's flood, RATE_SECONDS of receiving.
  const perQueue = [0, 0];
  const count = (_f, m) => perQueue[m.queue]++;
  out({ rxRateReady: true });
  while (nic.receive(64, count) === 0) await new Promise((r) => setTimeout(r, 1));
  const t0 = performance.now();
  const gprc0 = nic.statistics().hardware.GPRC;
  while (performance.now() - t0 < RATE_SECONDS * 1000) nic.receive(64, count);
  const s = (performance.now() - t0) / 1000;
  const device = Number(nic.statistics().hardware.GPRC - gprc0);
  out({
    rxRate: {
      q0: Math.round(perQueue[0] / s),
      q1: Math.round(perQueue[1] / s),
      devicePps: Math.round(device / s),
    },
  });
  const stats = nic.statistics();
  out({
    stats: {
      driver: stats.driver,
      hardware: { GPTC: String(stats.hardware.GPTC), GPRC: String(stats.hardware.GPRC) },
    },
  });
  await nic.close();
}

// ---------------------------------------------------------------- host side

/** An Ethernet + IPv4 + TCP (ACK, 18 payload bytes) frame with correct checksums. */
export function tcpFrame(f, { dstMac, srcPort, seq }) {
  const ip = Buffer.alloc(20);
  const tcp = Buffer.alloc(20 + 18, seq & 0xff);
  ip[0] = 0x45;
  ip.writeUInt16BE(ip.length + tcp.length, 2);
  ip.writeUInt16BE(seq, 4);
  ip[8] = 64;
  ip[9] = f.IPPROTO_TCP;
  f.ipBytes(CLIENT_IP).copy(ip, 12);
  f.ipBytes(SERVER_IP).copy(ip, 16);
  ip.writeUInt16BE(f.internetChecksum(ip), 10);
  tcp.writeUInt16BE(srcPort, 0);
  tcp.writeUInt16BE(SERVER_PORT, 2);
  tcp.writeUInt32BE(seq, 4);
  tcp[12] = 0x50; // 5 words of header
  tcp[13] = 0x10; // ACK
  tcp.writeUInt16BE(0xffff, 14);
  tcp.writeUInt16BE(0, 16);
  const pseudo = Buffer.concat([
    ip.subarray(12, 20),
    Buffer.from([0, f.IPPROTO_TCP, 0, tcp.length]),
  ]);
  tcp.writeUInt16BE(f.internetChecksum(Buffer.concat([pseudo, tcp])), 16);
  return f.ethernet({
    dst: dstMac,
    src: PEER_MAC,
    type: f.ETHERTYPE_IPV4,
    payload: Buffer.concat([ip, tcp]),
  });
}

/**
 * Sends `frames` to the guest again and again, as fast as the host can, until `until`
 * settles (at most FLOOD_LIMIT_MS); returns how many were sent.
 */
async function flood(peer, frames, until) {
  let stop = false;
  until.then(
    () => (stop = true),
    () => (stop = true),
  );
  const t0 = Date.now();
  let sent = 0;
  while (!stop && Date.now() - t0 < FLOOD_LIMIT_MS) {
    await Promise.all(frames.map((x) => peer.send(x)));
    sent += frames.length;
  }
  return sent;
}

/**
 * The JSON object the guest printed under `key`: waits for its line, and fails at once
 * (with everything the guest printed) if the guest exits without printing it.
 */
export async function guestSays(job, key, timeoutMs = 120_000) {
  const re = new RegExp(`^\\{"${key}":.*$`, 'm');
  const seen = job.waitForOutput(re, { timeoutMs });
  seen.catch(() => {}); // a guest that exits first is reported below
  await Promise.race([seen, job.done]);
  const line = job.output().match(re);
  if (!line) {
    const r = await job.done;
    throw new Error(
      `the guest driver exited ${r.code} without saying "${key}":\n${r.stdout}\n${r.stderr}`,
    );
  }
  return JSON.parse(line[0])[key];
}

export default {
  name: 'e1000e (82574L): nicdl driver over VFIO, TX from both queues, RSS spreads flows over both RX queues',
  requires: { nicdl: ['bind'] },
  guest: {
    nics: [{ kind: 'dgram', model: 'e1000e' }],
    modules: ['share', 'nic', 'vfio', 'pktgen'],
  },
  timeoutMs: 300_000,
  async run(g, t) {
    const f = await import('../lib/frames.mjs');
    const { toeplitzHash } = await import(
      new URL('../../../dist/drivers/e1000e/twin/index.js', import.meta.url).href
    );
    const { DEFAULT_RSS_KEY, retaQueue, RETA_ENTRIES } = await import(
      new URL('../../../dist/drivers/e1000e/rss.js', import.meta.url).href
    );
    const nic = g.nics[0];
    const RETA_INDEX_MASK = RETA_ENTRIES - 1;
    const expectedQueue = (port) => {
      const input = Buffer.concat([
        f.ipBytes(CLIENT_IP),
        f.ipBytes(SERVER_IP),
        Buffer.from([port >> 8, port & 0xff, 0, SERVER_PORT]),
      ]);
      return retaQueue(
        toeplitzHash(Uint8Array.from(DEFAULT_RSS_KEY), input, input.length) & RETA_INDEX_MASK,
        2,
      );
    };

    const flows = [];
    for (let i = 0; i < FLOWS; i++)
      flows.push(tcpFrame(f, { dstMac: nic.mac, srcPort: CLIENT_PORT_BASE + i, seq: i }));
    const rates = { kernel: {}, nicdl: {} };

    await t.step(
      'the kernel e1000e driver, same guest: pktgen TX rate, RX rate under a flood',
      async () => {
        const ifname = await g.netdev(0);
        assert.ok(ifname, 'the kernel e1000e driver registered no net device');
        await g.ok(
          `echo 1 > /proc/sys/net/ipv6/conf/${ifname}/disable_ipv6; ip link set ${ifname} up`,
        );
        await g.waitFor(`[ "$(cat /sys/class/net/${ifname}/carrier 2>/dev/null)" = 1 ]`, {
          timeoutMs: 30_000,
        });
        const pg = `/proc/net/pktgen/${ifname}`;
        await g.ok(
          `modprobe pktgen && echo rem_device_all > /proc/net/pktgen/kpktgend_0 && echo "add_device ${ifname}" > /proc/net/pktgen/kpktgend_0 && ` +
            `echo "count ${KERNEL_TX_FRAMES}" > ${pg} && echo "pkt_size ${TEST_FRAME_BYTES}" > ${pg} && echo "delay 0" > ${pg} && ` +
            `echo "dst_mac ${PEER_MAC}" > ${pg} && echo start > /proc/net/pktgen/pgctrl`,
          { timeoutMs: 120_000 },
        );
        const result = await g.ok(`cat ${pg}`);
        rates.kernel.tx = Number(/(\d+)pps/.exec(result)?.[1]);
        assert.ok(rates.kernel.tx > 0, result);
        const counter = `/sys/class/net/${ifname}/statistics/rx_packets`;
        const job = g.start(
          `a=$(cat ${counter}); sleep ${RATE_SECONDS}; b=$(cat ${counter}); echo $a $b`,
        );
        const sent = await flood(g.peer, flows, job.done);
        const [a, b] = (await job.done).stdout.trim().split(/\s+/).map(Number);
        rates.kernel.rx = Math.round((b - a) / RATE_SECONDS);
        console.log(
          `      kernel e1000e: tx ${rates.kernel.tx} pps (pktgen), rx ${rates.kernel.rx} pps (host offered ${sent} frames)`,
        );
        g.peer.clear();
      },
    );

    await t.step('bind the 82574L to vfio-pci', async () => {
      const r = await g.nicdl(`bind ${nic.pciAddress}`);
      assert.equal(r.code, 0, `nicdl bind: ${r.stdout}${r.stderr}`);
      assert.equal(await g.pciDriver(nic.pciAddress), 'vfio-pci');
    });

    const job = g.start(
      `exec node test/e2e/scenarios/30-e1000e.mjs --guest ${nic.pciAddress} ${TX_PER_QUEUE} ${RX_TOTAL}`,
      {
        timeoutMs: 240_000,
      },
    );
    const says = (key) => guestSays(job, key);

    await t.step('bring-up: two queues, link up, the MAC QEMU was given', async () => {
      const ready = await says('ready');
      assert.equal(ready.mac, nic.mac);
      assert.deepEqual([ready.queues, ready.link.up, ready.warnings], [2, true, []]);
    });

    await t.step(
      `transmit: ${TX_PER_QUEUE} frames from each queue reach the peer intact`,
      async () => {
        const frames = await g.peer.waitForCount(2 * TX_PER_QUEUE, {
          filter: (x) => f.parseTestFrame(x) !== null,
          what: 'test frames',
          timeoutMs: 60_000,
        });
        const seqs = [new Set(), new Set()];
        for (const x of frames) {
          const p = f.parseTestFrame(x);
          assert.ok(p.intact, `frame ${p.seq} corrupted`);
          seqs[Math.floor(p.seq / QUEUE_SEQ)].add(p.seq % QUEUE_SEQ);
        }
        assert.deepEqual(
          seqs.map((s) => s.size),
          [TX_PER_QUEUE, TX_PER_QUEUE],
        );
        assert.deepEqual((await says('tx')).perQueue, [TX_PER_QUEUE, TX_PER_QUEUE]);
      },
    );

    await t.step(`receive: ${FLOWS} TCP flows spread over both queues by RSS`, async () => {
      await says('rxReady');
      const frames = [];
      for (let k = 0; k < FRAMES_PER_FLOW; k++)
        for (let i = 0; i < FLOWS; i++)
          frames.push(tcpFrame(f, { dstMac: nic.mac, srcPort: CLIENT_PORT_BASE + i, seq: k }));
      await g.peer.sendAll(frames, { batch: 8, pauseMs: 5 });
      const got = await says('rx');
      assert.equal(got.length, RX_TOTAL, `received ${got.length} of ${RX_TOTAL}`);
      const perQueue = [0, 0];
      for (const r of got) {
        assert.equal(
          r.queue,
          expectedQueue(r.port),
          `flow from port ${r.port} on queue ${r.queue}`,
        );
        assert.deepEqual([r.ip, r.l4], ['ok', 'ok'], `checksums of port ${r.port}`);
        perQueue[r.queue]++;
      }
      assert.ok(perQueue[0] > 0 && perQueue[1] > 0, `per queue ${perQueue}`);
      console.log(`      rx per queue: ${perQueue.join(' / ')} frames of ${FLOWS} flows`);
    });

    await t.step('nicdl e1000e rates: TX and RX per queue and total (60-byte frames)', async () => {
      g.peer.clear();
      const tx = await says('txRate');
      const seen = g.peer.frames.length;
      await says('rxRateReady');
      const done = says('rxRate');
      const offered = await flood(g.peer, flows, done);
      const rx = await done;
      rates.nicdl = { tx, rx };
      console.log(
        `      nicdl e1000e tx pps: queue 0 ${tx.q0}, queue 1 ${tx.q1}, both ${tx.both[0]} + ${tx.both[1]} = ${tx.both[0] + tx.both[1]} (peer saw ${seen} frames)`,
      );
      console.log(
        `      nicdl e1000e rx pps: queue 0 ${rx.q0} + queue 1 ${rx.q1} = ${rx.q0 + rx.q1} (device GPRC ${rx.devicePps}/s; host offered ${offered} frames)`,
      );
      console.log(
        `      kernel e1000e same run: tx ${rates.kernel.tx} pps, rx ${rates.kernel.rx} pps`,
      );
      assert.ok(tx.q0 > 0 && tx.q1 > 0 && tx.both[0] > 0 && tx.both[1] > 0 && seen > 0);
      assert.ok(rx.q0 > 0 && rx.q1 > 0, `rx per queue ${rx.q0} / ${rx.q1}`);
      const s = await says('stats');
      assert.ok(Number(s.driver.q0_tx_packets) > 0 && Number(s.driver.q1_tx_packets) > 0);
      const end = await job.done;
      assert.equal(end.code, 0, end.stderr);
    });
  },
};

if (process.argv[2] === '--guest') {
  guestMain(process.argv[3], Number(process.argv[4]), Number(process.argv[5])).catch((e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  });
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.error('run through the harness: node test/e2e/run.mjs e1000e');
  process.exit(2);
}
