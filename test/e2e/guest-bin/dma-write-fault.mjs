// Runs inside the guest: node /share/test/e2e/guest-bin/dma-write-fault.mjs ADDRESS UNMAPPED_IOVA
// The device-WRITE half of the IOMMU proof (scenarios/vfio-open.mjs proves the device-READ
// half with a transmit descriptor). A minimal receive ring of 8 legacy descriptors, made
// with the runtime's public API only: slot 0's buffer address is an IOVA nothing is
// mapped at, slot 1's is a real DMA buffer. The host then sends two frames: the device
// must fail to write the first anywhere (the IOMMU blocks it and the kernel logs a DMAR
// fault) and must deliver the second into slot 1's buffer.
//
// Prints {"ready": true} once receive is enabled, then one JSON line: both descriptors'
// status and length, slot 1's buffer (hex), and whether any byte of the first frame's
// numbered header turned up anywhere in our mapped memory.
//
// e1000 registers, 8254x SDM rev 4.0 §13.4; legacy receive descriptor §3.2.3.
const IMC = 0x00d8; // §13.4.21
const RCTL = 0x0100; // §13.4.22
const RCTL_EN = 1 << 1;
const RCTL_BAM = 1 << 15; // accept broadcast
const RCTL_SECRC = 1 << 26; // strip the CRC; BSIZE 00 = 2048-byte buffers
const RDBAL = 0x2800; // §13.4.25
const RDBAH = 0x2804;
const RDLEN = 0x2808;
const RDH = 0x2810;
const RDT = 0x2818;
const DESC_BYTES = 16;
const RING_SLOTS = 8; // RDLEN must be a multiple of 128 bytes
const RING_ALIGN = 128;
const DESC_LENGTH = 8;
const DESC_STATUS = 12;
const STA_DD = 1 << 0;
const BUFFER_BYTES = 2048;
const CANARY = 0x5a;
const WAIT_MS = 20_000;
const POLL_MS = 5;

const dist = (p) => new URL(`../../../dist/${p}`, import.meta.url).href;
const { openVfioDevice } = await import(dist('runtime/index.js'));
const { testFrame } = await import('../lib/frames.mjs');

const [address, unmappedArg] = process.argv.slice(2);
const unmappedIova = Number(unmappedArg);
const out = (o) => console.log(JSON.stringify(o));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const device = openVfioDevice(address, { bind: true });
try {
  const bar = device.bar(0);
  const ring = device.dma.alloc(RING_SLOTS * DESC_BYTES, RING_ALIGN);
  const buffer = device.dma.alloc(BUFFER_BYTES);
  const spare = device.dma.alloc(BUFFER_BYTES); // never given to the device
  if (unmappedIova >= ring.iova && unmappedIova < spare.iova + BUFFER_BYTES)
    throw new Error(`IOVA 0x${unmappedIova.toString(16)} is mapped`);
  for (const r of [buffer, spare]) for (let i = 0; i < r.size; i++) r.u8[i] = CANARY;
  const desc = (slot, iova) => {
    ring.view.setBigUint64(slot * DESC_BYTES, BigInt(iova), true);
    ring.view.setUint8(slot * DESC_BYTES + DESC_STATUS, 0);
  };
  desc(0, unmappedIova);
  desc(1, buffer.iova);

  bar.write32(IMC, 0xffffffff);
  bar.write32(RCTL, 0);
  device.enableBusMaster();
  bar.write32(RDBAL, ring.iova >>> 0);
  bar.write32(RDBAH, Math.floor(ring.iova / 2 ** 32));
  bar.write32(RDLEN, RING_SLOTS * DESC_BYTES);
  bar.write32(RDH, 0);
  bar.write32(RDT, 0);
  bar.write32(RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);
  bar.write32(RDT, 2); // slots 0 and 1 belong to the device now
  out({ ready: true });

  const status = (slot) => ring.view.getUint8(slot * DESC_BYTES + DESC_STATUS);
  const deadline = Date.now() + WAIT_MS;
  while (!(status(1) & STA_DD) && Date.now() < deadline) await sleep(POLL_MS);
  bar.write32(RCTL, 0);

  // The first frame's numbered header (magic + seq 0; the MACs do not matter here).
  const anyMac = '02:00:00:00:00:01';
  const first = testFrame({ dst: anyMac, src: anyMac, seq: 0, length: 64 }).subarray(14, 22);
  const mapped = [ring.u8, buffer.u8, spare.u8].map((u8) => Buffer.from(u8));
  const slot1Length = ring.view.getUint16(DESC_BYTES + DESC_LENGTH, true);
  out({
    slot0: { status: status(0), length: ring.view.getUint16(DESC_LENGTH, true) },
    slot1: { status: status(1), length: slot1Length },
    buffer: mapped[1].subarray(0, slot1Length).toString('hex'),
    firstFrameInMappedMemory: mapped.some((b) => b.includes(first)),
    spareUntouched: mapped[2].every((x) => x === CANARY),
    bufferTailUntouched: mapped[1].subarray(slot1Length).every((x) => x === CANARY),
    ringIova: ring.iova,
    bufferIova: buffer.iova,
  });
} finally {
  await device.close();
}
