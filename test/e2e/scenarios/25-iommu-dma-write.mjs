// The IOMMU stops a device WRITE to an IOVA nothing is mapped at, and says so.
// vfio-open.mjs proves the READ half (a transmit descriptor pointing at an unmapped IOVA
// gets nothing onto the wire, DMAR read fault in dmesg). Here, through the runtime's
// public API (guest-bin/dma-write-fault.mjs), a receive descriptor points at an unmapped
// IOVA and the next one at a real buffer; the host sends two frames. Expected:
//   - the second frame lands intact in the real buffer (the ring works, so the first
//     frame's fate is the IOMMU's doing, not a broken set-up);
//   - the first frame's bytes are nowhere in our mapped memory, and memory around the
//     buffers keeps its canary;
//   - the kernel logs a DMAR write fault from this device at exactly that IOVA.
// QEMU still marks the faulted descriptor done (DD): the flag proves nothing, the data
// does (hardware.md). A driver cannot see the fault itself (VFIO on this kernel has no
// fault reporting to user space): the DMAR log and intact data are the evidence.
import assert from 'node:assert/strict';
import { formatOutput } from '../lib/guest.mjs';
import { testFrame } from '../lib/frames.mjs';
import { lastJsonLine } from '../lib/nicdl-output.mjs';

const HOST_MAC = '02:00:00:00:00:01';
/** Far from the allocator's IOVAs (from 1 GiB up, in 2 MiB steps) and from vfio-open's. */
const UNMAPPED_IOVA = 0xe000_0000;
const FRAME_BYTES = 200;
const STA_DD = 1 << 0;

export default {
  name: 'IOMMU: a device write to an unmapped IOVA is blocked and logged (DMAR), data intact',
  guest: { nics: [{ kind: 'dgram' }] },
  timeoutMs: 120_000,
  async run(g, t) {
    const nic = g.nics[0];
    const pci = nic.pciAddress;
    const job = g.start(
      `exec node test/e2e/guest-bin/dma-write-fault.mjs ${pci} ${UNMAPPED_IOVA}`,
      {
        timeoutMs: 90_000,
      },
    );
    await t.step('receive enabled', () => job.waitForOutput(/"ready":true/, { timeoutMs: 60_000 }));
    // Sent now, they wait in QEMU's socket through the 1 s quiet time after the RCTL write.
    const frames = [0, 1].map((seq) =>
      testFrame({ dst: nic.mac, src: HOST_MAC, seq, length: FRAME_BYTES }),
    );
    for (const f of frames) await g.peer.send(f);
    const r = await t.step('both frames received', () => job.done);
    assert.equal(r.code, 0, `dma-write-fault.mjs\n${formatOutput(r)}`);
    const out = lastJsonLine(r.stdout, 'dma-write-fault.mjs');

    assert.ok(
      out.slot1.status & STA_DD,
      `the mapped slot never completed: ${JSON.stringify(out.slot1)}`,
    );
    assert.equal(out.slot1.length, FRAME_BYTES, 'length of the frame in the mapped buffer');
    assert.equal(
      out.buffer,
      frames[1].toString('hex'),
      'the mapped buffer holds the second frame, byte for byte',
    );
    assert.equal(out.firstFrameInMappedMemory, false, 'the first frame turned up in mapped memory');
    assert.ok(out.spareUntouched && out.bufferTailUntouched, 'canary around the buffers intact');

    const dmesg = (await g.run('dmesg')).stdout;
    const iova = `0x${UNMAPPED_IOVA.toString(16)}`;
    const device = pci.replace(/^0000:/, '');
    const fault = dmesg.split('\n').find((l) => /DMAR/.test(l) && l.includes(`fault addr ${iova}`));
    assert.ok(
      fault,
      `no DMAR fault at ${iova} in dmesg:\n${dmesg
        .split('\n')
        .filter((l) => /DMAR|DMA/.test(l))
        .join('\n')}`,
    );
    assert.match(fault, /DMA Write/, `the fault is for a write: ${fault}`);
    assert.ok(fault.includes(device), `the fault names ${device}: ${fault}`);
    t.log(
      `faulted slot: DD ${out.slot0.status & STA_DD ? 'set (QEMU quirk)' : 'clear'}, length ${out.slot0.length}; ${fault.trim()}`,
    );
  },
};
