// Runs inside the guest: node /share/test/e2e/guest-bin/e1000-offload.mjs ADDRESS HOST_MAC COUNT
// The nicdl CLI has no flag for transmit checksum offload, so this drives the e1000
// driver (dist/drivers/e1000) directly, as an application would: it opens the device
// through VFIO (bound for this run, given back after), brings the driver up with
// checksum offload, transmits offloadCase(0..COUNT-1) from test/e2e/lib/l4-frames.mjs
// (checksum fields garbage; the device must fill in the ones asked for), waits until
// the ring is empty, and prints one JSON line: the MAC, frames sent, and the driver's
// statistics (hardware counters as decimal strings, driver counters).
import { offloadCase } from '../lib/l4-frames.mjs';

const dist = (p) => new URL(`../../../dist/${p}`, import.meta.url).href;
const { openVfioDevice } = await import(dist('runtime/index.js'));
const { loadIr } = await import(dist('spec/index.js'));
const { default: e1000 } = await import(dist('drivers/e1000/index.js'));

const [address, hostMac, countArg] = process.argv.slice(2);
const count = Number(countArg);
const RECLAIM_WAIT_MS = 1;
const DRAIN_TIMEOUT_MS = 10_000;

const device = openVfioDevice(address, { bind: true });
const nic = await e1000.open(device, loadIr(e1000.specPath), { checksumOffload: true });
try {
  for (let i = 0; i < count; i++) {
    const c = offloadCase(i, { src: nic.mac, hostMac });
    // One frame per call: each frame asks for its own offload. 0 means the ring is full.
    while (nic.transmit([c.frame], c.offload) === 0) {
      nic.reclaim();
      await new Promise((r) => setTimeout(r, RECLAIM_WAIT_MS));
    }
  }
  const inFlight = () => nic.statistics().rings.find((r) => r.name.startsWith('tx')).inFlight;
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (inFlight() > 0 && Date.now() < deadline) {
    nic.reclaim();
    await new Promise((r) => setTimeout(r, RECLAIM_WAIT_MS));
  }
  const s = nic.statistics();
  const hardware = Object.fromEntries(Object.entries(s.hardware).map(([k, v]) => [k, String(v)]));
  const driver = Object.fromEntries(Object.entries(s.driver).map(([k, v]) => [k, Number(v)]));
  console.log(JSON.stringify({ mac: nic.mac, sent: count, hardware, driver }));
} finally {
  await nic.close();
  await device.close();
}
