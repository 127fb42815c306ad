// MSI-X on QEMU's 82574L (`-device e1000e`) through VFIO in the guest (issue 9): the
// e1000e driver in interrupt mode asks the VFIO backend for one eventfd per MSI-X vector
// (VFIO_DEVICE_SET_IRQS on the MSI-X index), and IVAR routes each queue to its own:
//   - TCP flows the RSS table sends to receive queue 0 fire vector 0 (RXQ0), more than
//     once (the driver rearms it), and not vector 1; flows sent to queue 1 then fire
//     vector 1 and not vector 0;
//   - the transmit vectors (2, 3) stay silent: nothing is transmitted, TXQ0/TXQ1 masked;
//   - every frame arrives, on the queue the host's own Toeplitz hash predicts.
// Counts are the driver's msix_*_interrupts statistics: eventfd reads, nothing polled.
//
// Host:  node test/e2e/run.mjs msix   (needs `npm run build` first)
// The same file runs in the guest as `node 31-e1000e-msix.mjs --guest ADDRESS FRAMES`.
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';

/** Frames the host sends to each queue (distinct flows, each hashed to that queue). */
const FRAMES_PER_QUEUE = 24;
/** Sent in batches this far apart, so each batch is its own interrupt. */
const BATCH_FRAMES = 4;
const BATCH_GAP_MS = 50;
const SERVER_IP = '198.51.100.1';
const SERVER_PORT = 80;
const CLIENT_IP = '203.0.113.7';
const CLIENT_PORT_BASE = 40_000;
/** Where a TCP frame's source port sits: after the Ethernet (14) and IPv4 (20) headers. */
const TCP_SRC_PORT_OFFSET = 14 + 20;
const WAIT_SLICE_MS = 100;
const PHASE_LIMIT_MS = 30_000;

// ---------------------------------------------------------------- guest side

async function guestMain(address, frames) {
  const dist = (p) => new URL(`../../../dist/${p}`, import.meta.url).href;
  const rt = await import(dist('runtime/index.js'));
  const { loadIr } = await import(dist('spec/index.js'));
  const e1000e = (await import(dist('drivers/e1000e/index.js'))).default;
  const out = (o) => console.log(JSON.stringify(o));
  const vectors = () => {
    const d = nic.statistics().driver;
    return ['rxq0', 'rxq1', 'txq0', 'txq1', 'other'].map((v) => d[`msix_${v}_interrupts`]);
  };

  const dev = rt.openVfioDevice(address);
  const nic = await e1000e.open(dev, loadIr(e1000e.specPath), { queues: 2, mode: 'interrupt' });
  out({
    ready: { mac: nic.mac, link: nic.link(), warnings: nic.facts.warnings, vectors: vectors() },
  });

  for (const phase of [0, 1]) {
    const before = vectors();
    out({ [`phase${phase}Ready`]: true });
    const got = [];
    const deadline = performance.now() + PHASE_LIMIT_MS;
    let idleWaits = 0;
    while (got.length < frames && performance.now() < deadline) {
      await nic.waitForReceive(WAIT_SLICE_MS);
      if (
        !nic.receive(64, (f, m) =>
          got.push({
            port: (f[TCP_SRC_PORT_OFFSET] << 8) | f[TCP_SRC_PORT_OFFSET + 1],
            queue: m.queue,
          }),
        )
      )
        idleWaits++;
    }
    const after = vectors();
    out({
      [`phase${phase}`]: {
        got,
        before,
        after,
        idleWaits,
        interrupts: nic.statistics().driver.interrupts,
      },
    });
  }
  await nic.close();
}

// ---------------------------------------------------------------- host side

export default {
  name: 'e1000e MSI-X: one eventfd per vector over VFIO, each RX queue fires its own vector',
  requires: { nicdl: ['bind'] },
  guest: {
    nics: [{ kind: 'dgram', model: 'e1000e' }],
    modules: ['share', 'nic', 'vfio'],
  },
  timeoutMs: 180_000,
  async run(g, t) {
    const f = await import('../lib/frames.mjs');
    // Host side only: 30's file runs its own guest code when imported with --guest.
    const { guestSays, tcpFrame } = await import('./30-e1000e.mjs');
    const { toeplitzHash } = await import(
      new URL('../../../dist/drivers/e1000e/twin/index.js', import.meta.url).href
    );
    const { DEFAULT_RSS_KEY, retaQueue, RETA_ENTRIES } = await import(
      new URL('../../../dist/drivers/e1000e/rss.js', import.meta.url).href
    );
    const nic = g.nics[0];
    const expectedQueue = (port) => {
      const input = Buffer.concat([
        f.ipBytes(CLIENT_IP),
        f.ipBytes(SERVER_IP),
        Buffer.from([port >> 8, port & 0xff, 0, SERVER_PORT]),
      ]);
      return retaQueue(
        toeplitzHash(Uint8Array.from(DEFAULT_RSS_KEY), input, input.length) & (RETA_ENTRIES - 1),
        2,
      );
    };
    // Client ports hashed to each queue, FRAMES_PER_QUEUE of each.
    const ports = [[], []];
    for (let p = CLIENT_PORT_BASE; ports.some((l) => l.length < FRAMES_PER_QUEUE); p++) {
      const q = expectedQueue(p);
      if (ports[q].length < FRAMES_PER_QUEUE) ports[q].push(p);
    }

    await t.step('bind the 82574L to vfio-pci', async () => {
      const r = await g.nicdl(`bind ${nic.pciAddress}`);
      assert.equal(r.code, 0, `nicdl bind: ${r.stdout}${r.stderr}`);
    });

    const job = g.start(
      `exec node test/e2e/scenarios/31-e1000e-msix.mjs --guest ${nic.pciAddress} ${FRAMES_PER_QUEUE}`,
      { timeoutMs: 120_000 },
    );
    const says = (key) => guestSays(job, key);

    await t.step('interrupt mode on five MSI-X vectors, no fallback warning', async () => {
      const ready = await says('ready');
      assert.equal(ready.mac, nic.mac);
      assert.deepEqual([ready.link.up, ready.warnings], [true, []]);
      assert.equal(ready.vectors.length, 5);
      assert.ok(
        ready.vectors.every((n) => typeof n === 'number'),
        `vectors ${ready.vectors}`,
      );
    });

    for (const q of [0, 1]) {
      await t.step(`flows RSS sends to queue ${q} fire vector ${q} only`, async () => {
        await says(`phase${q}Ready`);
        const frames = ports[q].map((srcPort, seq) =>
          tcpFrame(f, { dstMac: nic.mac, srcPort, seq }),
        );
        await g.peer.sendAll(frames, { batch: BATCH_FRAMES, pauseMs: BATCH_GAP_MS });
        const r = await says(`phase${q}`);
        const delta = r.after.map((n, v) => n - r.before[v]);
        console.log(
          `      queue ${q}: ${r.got.length} frames; vector deltas rxq0 ${delta[0]}, rxq1 ${delta[1]}, txq0 ${delta[2]}, txq1 ${delta[3]}, other ${delta[4]}; ${r.idleWaits} waits ended with nothing to receive`,
        );
        assert.equal(r.got.length, FRAMES_PER_QUEUE, `received ${r.got.length}`);
        for (const x of r.got) assert.equal(x.queue, q, `port ${x.port} on queue ${x.queue}`);
        // One message per batch, or close: more than one shows the vector is rearmed.
        assert.ok(delta[q] >= 2, `vector ${q} fired ${delta[q]} times: ${delta}`);
        assert.equal(delta[1 - q], 0, `the other queue's vector fired: ${delta}`);
        // Receives raise only queue causes: RXT0/RXDMT0 masked, RFCTL.ACK_DIS set.
        assert.equal(delta[4], 0, `the "other" vector fired on receive: ${delta}`);
        assert.deepEqual([r.after[2], r.after[3]], [0, 0], 'transmit vectors fired');
      });
    }
    const end = await job.done;
    assert.equal(end.code, 0, end.stderr);
  },
};

if (process.argv[2] === '--guest') {
  guestMain(process.argv[3], Number(process.argv[4])).catch((e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  });
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.error('run through the harness: node test/e2e/run.mjs msix');
  process.exit(2);
}
