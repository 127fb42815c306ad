// `nicdl send --pcap` on QEMU's e1000: 10,000 numbered frames of mixed sizes (60 to 1514
// bytes) written by the host into a pcap file reach the host peer byte for byte, in
// order, none lost or duplicated: 39 trips around the default 256-slot ring. Then the
// same with a 16-slot ring, where every 64-frame transmit call is refused in part (at
// most 15 slots are free): the backpressure path, which must neither lose nor repeat.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ETH_MAX_FRAME_BYTES,
  ETH_MIN_FRAME_BYTES,
  parseTestFrame,
  testFrame,
} from '../lib/frames.mjs';
import { nicdlJson } from '../lib/nicdl-output.mjs';
import { readPcap, writePcap } from '../lib/pcap.mjs';

const HOST_MAC = '02:00:00:00:00:01';
const FRAMES = 10_000;
const SMALL_RING = 16;
const SMALL_RING_FRAMES = 2_000;
const ARRIVAL_TIMEOUT_MS = 60_000;
/** After the last frame, how long a duplicate would have to show up. */
const LINGER_MS = 500;

/** Frame i's size: both extremes, and a spread over everything between. */
function frameBytes(i) {
  if (i % 10 === 0) return ETH_MIN_FRAME_BYTES;
  if (i % 10 === 1) return ETH_MAX_FRAME_BYTES;
  const span = ETH_MAX_FRAME_BYTES - ETH_MIN_FRAME_BYTES + 1;
  return ETH_MIN_FRAME_BYTES + ((i * 7919) % span);
}

/**
 * Checks what the peer received against what was sent: every test frame in order, byte
 * for byte, none missing or repeated. Messages say what was expected and what came.
 */
function checkArrivals(sent, frames, nic) {
  const got = frames.filter((f) => parseTestFrame(f) !== null);
  const firstBad = got.findIndex((f, i) => i >= sent.length || !f.equals(sent[i]));
  if (firstBad >= 0 || got.length !== sent.length) {
    const seqs = got.map((f) => parseTestFrame(f).seq);
    const dup = seqs.find((s, i) => seqs.indexOf(s) !== i);
    const where = firstBad >= 0 ? firstBad : Math.min(got.length, sent.length);
    const wire = readPcap(nic.pcapPath).filter((r) => parseTestFrame(r.data) !== null).length;
    const f = got[where];
    const p = f && parseTestFrame(f);
    assert.fail(
      `expected ${sent.length} frames in order, intact; the peer got ${got.length} (QEMU's pcap saw ${wire}). ` +
        `First difference at position ${where}: expected seq ${where} of ${sent[where]?.length} bytes, ` +
        (p
          ? `got seq ${p.seq} of ${f.length} bytes${p.intact ? '' : ' (corrupted)'}`
          : 'got nothing') +
        (dup !== undefined ? `; seq ${dup} arrived more than once` : ''),
    );
  }
}

async function sendAndCheck(g, t, label, frames, pcapName, extraFlags) {
  const nic = g.nics[0];
  writePcap(join(g.ctlDir, pcapName), frames);
  g.peer.clear();
  const r = await t.step(label, () =>
    nicdlJson(g, `send --pci ${nic.pciAddress} --pcap /ctl/${pcapName} ${extraFlags}`.trim(), {
      timeoutMs: 120_000,
    }),
  );
  assert.equal(r.sent, frames.length, `send reported ${r.sent} of ${frames.length} frames sent`);
  const bytes = frames.reduce((n, f) => n + f.length, 0);
  assert.equal(r.bytes, bytes, `send reported ${r.bytes} bytes, the pcap holds ${bytes}`);
  await g.peer
    .waitForCount(frames.length, {
      filter: (f) => parseTestFrame(f) !== null,
      timeoutMs: ARRIVAL_TIMEOUT_MS,
      what: 'test frames',
    })
    .catch(() => {}); // checkArrivals says what is missing
  await new Promise((res) => setTimeout(res, LINGER_MS));
  checkArrivals(frames, g.peer.frames, nic);
  return r;
}

export default {
  name: 'nicdl send: 10,000 mixed-size frames intact and in order; backpressure on a 16-slot ring',
  requires: { nicdl: ['send'] },
  guest: { nics: [{ kind: 'dgram' }] },
  timeoutMs: 300_000,
  async run(g, t) {
    const nic = g.nics[0];
    const frames = Array.from({ length: FRAMES }, (_, seq) =>
      testFrame({ dst: HOST_MAC, src: nic.mac, seq, length: frameBytes(seq) }),
    );
    const big = await sendAndCheck(g, t, `send ${FRAMES} frames, ring 256`, frames, 'tx.pcap', '');
    t.log(`${FRAMES} frames in ${big.elapsedMs.toFixed(0)} ms`);
    await sendAndCheck(
      g,
      t,
      `send ${SMALL_RING_FRAMES} frames, ring ${SMALL_RING}`,
      frames.slice(0, SMALL_RING_FRAMES),
      'tx-small-ring.pcap',
      `--tx-ring ${SMALL_RING}`,
    );
  },
};
