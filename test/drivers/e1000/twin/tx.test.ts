import { describe, expect, it } from 'vitest';
import {
  CMD,
  CTRL_VME,
  ICR_BITS,
  R,
  TWIN_MAC,
  frameTo,
  inetChecksum,
  ipv4Frame,
  openTwin,
  setupTx,
  pseudoHeaderSum,
} from './harness.js';

function buffer(t: ReturnType<typeof openTwin>, bytes: Uint8Array) {
  const b = t.dev.dma.alloc(Math.max(bytes.length, 1));
  b.u8.set(bytes);
  return b;
}

describe('e1000 twin: transmit', () => {
  it('sends the frame in a posted descriptor at the TDT write and writes DD back when RS is set', () => {
    const t = openTwin();
    const tx = setupTx(t);
    const frame = frameTo(TWIN_MAC, 100);
    const slot = tx.postLegacy(buffer(t, frame).iova, frame.length, CMD.EOP | CMD.IFCS | CMD.RS);
    expect(t.dev.wire.take()).toEqual([]); // nothing moves before the doorbell
    tx.flush();
    expect(t.dev.wire.take()).toEqual([frame]);
    expect(tx.status(slot) & 1).toBe(1);
    expect(t.rd(R.TDH)).toBe(1);
    expect(t.rd(R.ICR) & (ICR_BITS.TXDW | ICR_BITS.TXQE)).toBe(ICR_BITS.TXDW | ICR_BITS.TXQE);
  });

  it('never writes DD back without RS (the frame still goes out)', () => {
    const t = openTwin();
    const tx = setupTx(t);
    const frame = frameTo(TWIN_MAC, 64);
    const slot = tx.postLegacy(buffer(t, frame).iova, frame.length, CMD.EOP | CMD.IFCS);
    tx.flush();
    expect(t.dev.wire.take()).toHaveLength(1);
    expect(tx.status(slot)).toBe(0);
    expect(t.rd(R.ICR) & ICR_BITS.TXDW).toBe(0);
    expect(t.dev.log!.ofKind('dma-write').filter((e) => e.tag === 'tx-writeback')).toEqual([]);
  });

  it('catches a spec that puts RS at bit 2 (IC): completion is never reported', () => {
    const t = openTwin();
    const tx = setupTx(t);
    const frame = frameTo(TWIN_MAC, 64);
    const wrongRs = 1 << 2;
    const slot = tx.postLegacy(buffer(t, frame).iova, frame.length, CMD.EOP | CMD.IFCS | wrongRs);
    tx.flush();
    expect(tx.status(slot) & 1).toBe(0);
  });

  it('joins the buffers of several descriptors into one frame at EOP', () => {
    const t = openTwin();
    const tx = setupTx(t);
    const frame = frameTo(TWIN_MAC, 300, 7);
    const parts = [frame.subarray(0, 14), frame.subarray(14, 100), frame.subarray(100)];
    parts.forEach((p, i) =>
      tx.postLegacy(buffer(t, p).iova, p.length, CMD.IFCS | (i === 2 ? CMD.EOP | CMD.RS : 0)),
    );
    tx.flush();
    expect(t.dev.wire.take()).toEqual([frame]);
  });

  it('keeps a frame whose EOP is not posted yet until a later TDT write brings it', () => {
    const t = openTwin();
    const tx = setupTx(t);
    const frame = frameTo(TWIN_MAC, 200);
    tx.postLegacy(buffer(t, frame.subarray(0, 50)).iova, 50, CMD.IFCS);
    tx.flush();
    expect(t.dev.wire.take()).toEqual([]);
    expect(t.rd(R.TDH)).toBe(1);
    tx.postLegacy(buffer(t, frame.subarray(50)).iova, 150, CMD.IFCS | CMD.EOP);
    tx.flush();
    expect(t.dev.wire.take()).toEqual([frame]);
  });

  it('fetches descriptors at the doorbell: a descriptor written after TDT is seen stale', () => {
    const t = openTwin({}, { trackCpuWrites: true });
    const tx = setupTx(t);
    const frame = frameTo(TWIN_MAC, 64);
    const b = buffer(t, frame);
    t.wr(R.TDT, 1); // tail first: the device fetches slot 0 while it is still zero
    tx.postLegacy(b.iova, frame.length, CMD.EOP | CMD.IFCS | CMD.RS);
    t.rd(R.STATUS);
    expect(t.dev.wire.take()).not.toContainEqual(frame);
    const fetch = t.dev.log!.ofKind('dma-read').find((e) => e.tag === 'tx-desc')!;
    expect([...fetch.data]).toEqual(new Array(16).fill(0));
    const events = t.dev.log!.events();
    expect(events.indexOf(fetch)).toBeLessThan(
      events.findIndex((e) => e.kind === 'cpu-write' && e.iova === tx.ring.iova),
    );
  });

  it('records descriptor writes before the tail moves when the driver does it right', () => {
    const t = openTwin({}, { trackCpuWrites: true });
    const tx = setupTx(t);
    const frame = frameTo(TWIN_MAC, 64);
    const b = buffer(t, frame);
    tx.postLegacy(b.iova, frame.length, CMD.EOP | CMD.IFCS | CMD.RS);
    tx.flush();
    const events = t.dev.log!.events();
    const descWrite = events.findIndex((e) => e.kind === 'cpu-write' && e.iova === tx.ring.iova);
    const doorbell = events.findIndex(
      (e) => e.kind === 'mmio-write' && e.offset === R.TDT && e.value === 1,
    );
    const fetch = events.findIndex((e) => e.kind === 'dma-read' && e.tag === 'tx-desc');
    expect(descWrite).toBeGreaterThanOrEqual(0);
    expect(descWrite).toBeLessThan(doorbell);
    expect(doorbell).toBeLessThan(fetch);
  });

  it('does nothing while TCTL.EN is clear, and sends when it is set', () => {
    const t = openTwin();
    const tx = setupTx(t);
    t.wr(R.TCTL, 0);
    const frame = frameTo(TWIN_MAC, 64);
    tx.postLegacy(buffer(t, frame).iova, frame.length, CMD.EOP | CMD.IFCS | CMD.RS);
    tx.flush();
    expect(t.dev.wire.take()).toEqual([]);
    t.wr(R.TCTL, (1 << 1) | (1 << 3));
    expect(t.dev.wire.take()).toEqual([frame]);
  });

  it('pads short frames to 60 bytes (64 with FCS) when TCTL.PSP is set', () => {
    const t = openTwin();
    const tx = setupTx(t);
    const frame = frameTo(TWIN_MAC, 42);
    tx.postLegacy(buffer(t, frame).iova, frame.length, CMD.EOP | CMD.IFCS | CMD.RS);
    tx.flush();
    const [out] = t.dev.wire.take();
    expect(out.length).toBe(60);
    expect(out.subarray(0, 42)).toEqual(frame);
    expect([...out.subarray(42)].every((b) => b === 0)).toBe(true);
  });

  it('still sends and reports done after a failed buffer read, and records the fault', () => {
    const t = openTwin();
    const tx = setupTx(t);
    const slot = tx.postLegacy(0x1234_0000, 64, CMD.EOP | CMD.IFCS | CMD.RS);
    tx.flush();
    const [out] = t.dev.wire.take();
    expect(out.length).toBe(64);
    expect([...out].every((b) => b === 0)).toBe(true);
    expect(tx.status(slot) & 1).toBe(1);
    expect(t.dev.faults.items[0]).toMatchObject({
      iova: 0x1234_0000,
      length: 64,
      direction: 'read',
      tag: 'tx-data',
      reason: 'unmapped',
    });
  });

  it('catches a ring base missing its high half (IOVAs are above 4 GiB)', () => {
    const t = openTwin();
    const tx = setupTx(t);
    t.wr(R.TCTL, 0);
    t.wr(R.TDBAH, 0);
    t.wr(R.TCTL, (1 << 1) | (1 << 3));
    tx.postLegacy(0, 0, CMD.EOP | CMD.IFCS | CMD.RS);
    tx.flush();
    expect(t.dev.faults.items.map((f) => f.tag)).toContain('tx-desc');
  });

  it('records a frame sent without IFCS', () => {
    const t = openTwin();
    const tx = setupTx(t);
    const frame = frameTo(TWIN_MAC, 64);
    tx.postLegacy(buffer(t, frame).iova, frame.length, CMD.EOP | CMD.RS);
    tx.flush();
    expect(t.dev.violations.items.map((v) => v.code)).toEqual(['E1000_TX_NO_IFCS']);
  });

  it('wraps around the ring: 10x its size in bursts, every frame in order', () => {
    const t = openTwin();
    const tx = setupTx(t, 8);
    const bufs = Array.from({ length: 8 }, () => t.dev.dma.alloc(128));
    const sent: Uint8Array[] = [];
    for (let burst = 0; burst < 20; burst++) {
      for (let i = 0; i < 4; i++) {
        const frame = frameTo(TWIN_MAC, 64 + ((burst * 4 + i) % 50), burst * 4 + i);
        const b = bufs[tx.tail];
        b.u8.set(frame);
        tx.postLegacy(b.iova, frame.length, CMD.EOP | CMD.IFCS | CMD.RS);
        sent.push(frame);
      }
      tx.flush();
    }
    expect(t.dev.wire.take()).toEqual(sent);
    expect(t.rd(R.TDH)).toBe(t.rd(R.TDT));
  });

  it('inserts IP and UDP/TCP checksums from a context descriptor (IXSM, TXSM)', () => {
    for (const protocol of ['udp', 'tcp'] as const) {
      const t = openTwin();
      const tx = setupTx(t);
      const frame = ipv4Frame(
        protocol,
        Uint8Array.from({ length: 101 }, (_, i) => i * 3),
        'offload',
      );
      const l4At = 14 + 20;
      const csumAt = l4At + (protocol === 'udp' ? 6 : 16);
      const ctx = new Uint8Array(16);
      const cv = new DataView(ctx.buffer);
      ctx[0] = 14; // IPCSS
      ctx[1] = 14 + 10; // IPCSO
      cv.setUint16(2, 14 + 20 - 1, true); // IPCSE: end of the IP header, inclusive
      ctx[4] = l4At; // TUCSS
      ctx[5] = csumAt; // TUCSO
      cv.setUint16(6, 0, true); // TUCSE: to the end
      ctx[11] = CMD.DEXT | (protocol === 'tcp' ? 1 : 0) | 2; // TUCMD: DEXT, TCP, IP
      tx.postRaw(ctx);
      const data = new Uint8Array(16);
      const dv = new DataView(data.buffer);
      const b = buffer(t, frame);
      dv.setUint32(0, b.iova % 2 ** 32, true);
      dv.setUint32(4, Math.floor(b.iova / 2 ** 32), true);
      dv.setUint32(8, frame.length | (1 << 20), true); // DTALEN, DTYP = data
      data[11] = CMD.DEXT | CMD.EOP | CMD.IFCS | CMD.RS;
      data[13] = 0x3; // POPTS: IXSM | TXSM
      tx.postRaw(data);
      tx.flush();
      const [out] = t.dev.wire.take();
      const ip = out.subarray(14, 34);
      expect(inetChecksum(ip)).toBe(0);
      const l4 = out.subarray(l4At);
      expect(inetChecksum(l4, pseudoHeaderSum(ip, protocol === 'udp' ? 17 : 6, l4.length))).toBe(0);
      const payloadAt = l4At + (protocol === 'udp' ? 8 : 20);
      expect(out.subarray(payloadAt)).toEqual(frame.subarray(payloadAt));
    }
  });

  it('inserts the VLAN tag when VLE is set and CTRL.VME is on', () => {
    const t = openTwin();
    const tx = setupTx(t);
    t.wr(R.CTRL, t.rd(R.CTRL) | CTRL_VME);
    const frame = frameTo(TWIN_MAC, 80);
    tx.postLegacy(buffer(t, frame).iova, frame.length, CMD.EOP | CMD.IFCS | CMD.RS | CMD.VLE, {
      special: 0x2064,
    });
    tx.flush();
    const [out] = t.dev.wire.take();
    expect(out.length).toBe(84);
    expect([...out.subarray(12, 16)]).toEqual([0x81, 0x00, 0x20, 0x64]);
    expect(out.subarray(16)).toEqual(frame.subarray(12));
  });

  it('counts what it sends (GPTC, TPT, GOTC, size buckets, broadcast and multicast)', () => {
    const t = openTwin();
    const tx = setupTx(t, 16);
    const frames = [
      frameTo(TWIN_MAC, 60),
      frameTo(new Uint8Array(6).fill(0xff), 100),
      frameTo(Uint8Array.from([1, 0, 0x5e, 0, 0, 1]), 1514),
    ];
    for (const f of frames) tx.postLegacy(buffer(t, f).iova, f.length, CMD.EOP | CMD.IFCS | CMD.RS);
    tx.flush();
    expect(t.rd(R.GPTC)).toBe(3);
    expect(t.rd(R.TPT)).toBe(3);
    expect(t.rd(R.GOTCL)).toBe(64 + 104 + 1518);
    expect(t.rd(R.GOTCH)).toBe(0);
    expect(t.rd(R.PTC64)).toBe(1);
    expect(t.rd(R.PTC1522)).toBe(1);
    expect(t.rd(R.BPTC)).toBe(1);
    expect(t.rd(R.MPTC)).toBe(1);
    expect(t.rd(R.GPTC)).toBe(0); // cleared by the read
    expect(t.rd(R.GOTCL)).toBe(0);
  });
});
