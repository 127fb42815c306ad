/**
 * PHY and MAC loopback (frames come back, nothing reaches the wire), and the receive
 * filters: unicast to another address, multicast through the MTA hash, promiscuous, and
 * the VLAN filter.
 */
import { describe, expect, it } from 'vitest';
import { drain, frame, frameListDiff, macBytes, openNic, rxSettle } from './helpers.js';

describe('e1000 loopback', () => {
  it('PHY loopback: sent frames come back byte for byte; the wire sees none; off again after', async () => {
    const o = await openNic({ rxRingSize: 32, txRingSize: 32 });
    await rxSettle(o);
    await o.nic.setLoopback('phy');
    expect(o.nic.loopbackMode).toBe('phy');
    expect(o.nic.statistics().driver.rctl_writes).toBe(1); // no RCTL write: no QEMU pause
    const frames = Array.from({ length: 100 }, (_, i) => frame(60 + i * 14, i));
    const got: Uint8Array[] = [];
    for (let i = 0; i < frames.length; i += 10) {
      expect(o.nic.transmit(frames.slice(i, i + 10))).toBe(10);
      got.push(...drain(o.nic).frames);
    }
    expect(frameListDiff(got, frames)).toBe('');
    expect(o.device.wire.take()).toEqual([]);
    await o.nic.setLoopback('none');
    o.nic.transmit([frame(64, 1)]);
    expect(o.device.wire.take().length).toBe(1);
    expect(drain(o.nic).frames).toEqual([]);
    expect(o.nic.link().up).toBe(true);
    await o.nic.close();
  });

  it("MAC loopback (RCTL.LBM): setLoopback waits out QEMU's receive pause, then frames come back", async () => {
    const o = await openNic();
    const t0 = o.device.clock.nowUs();
    await o.nic.setLoopback('mac');
    expect(o.device.clock.nowUs() - t0).toBeGreaterThanOrEqual(1_000_000); // the 1 s pause
    expect((o.device.regs.bar(0).peek(0x100) >>> 6) & 3).toBe(3);
    const frames = [frame(60, 1), frame(1514, 2)];
    o.nic.transmit(frames);
    expect(frameListDiff(drain(o.nic).frames, frames)).toBe('');
    expect(o.device.wire.take()).toEqual([]);
    await o.nic.setLoopback('none');
    expect((o.device.regs.bar(0).peek(0x100) >>> 6) & 3).toBe(0);
    await o.nic.close();
  });
});

describe('e1000 receive filters', () => {
  const OTHER = [0x02, 0x00, 0x00, 0x00, 0x00, 0x42];
  const MCAST = '01:00:5e:00:00:fb';
  const BCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

  it('drops unicast to another MAC unless promiscuous; accepts broadcast', async () => {
    const o = await openNic();
    await rxSettle(o);
    expect(o.device.receive(frame(100, 1, OTHER))).toBe('dropped:address-filter');
    expect(o.device.receive(frame(100, 2, BCAST))).toBe('delivered');
    o.nic.setPromiscuous(true);
    await rxSettle(o); // promiscuous is an RCTL write: QEMU pauses RX for 1 s
    expect(o.device.receive(frame(100, 3, OTHER))).toBe('delivered');
    expect(drain(o.nic).frames.map((f) => f[14])).toEqual([2, 3]);
    o.nic.setPromiscuous(false);
    await rxSettle(o);
    expect(o.device.receive(frame(100, 4, OTHER))).toBe('dropped:address-filter');
    expect(o.nic.statistics().driver.rctl_writes).toBe(3);
    await o.nic.close();
  });

  it('promiscuous from the start costs no extra RCTL write', async () => {
    const o = await openNic({ promiscuous: true });
    await rxSettle(o);
    expect(o.device.receive(frame(100, 1, OTHER))).toBe('delivered');
    expect(o.nic.statistics().driver.rctl_writes).toBe(1);
    await o.nic.close();
  });

  it('accepts a multicast group only after addMulticast (MTA hash), without an RCTL write', async () => {
    const o = await openNic();
    await rxSettle(o);
    expect(o.device.receive(frame(100, 1, macBytes(MCAST)))).toBe('dropped:address-filter');
    o.nic.addMulticast(MCAST);
    expect(o.device.receive(frame(100, 2, macBytes(MCAST)))).toBe('delivered');
    // RCTL.MO = 00b hashes address bits 47:36: byte 5 (0xfb) << 4 | byte 4 (0x00) >> 4 = 0xfb0
    expect(o.device.regs.bar(0).peek(0x5200 + 4 * (0xfb0 >> 5))).toBe(1 << (0xfb0 & 31));
    expect(o.nic.statistics().driver.rctl_writes).toBe(1);
    expect(() => o.nic.addMulticast('02:00:00:00:00:01')).toThrow(
      expect.objectContaining({ code: 'E_BAD_MULTICAST' }),
    );
    await o.nic.close();
  });

  it('VLAN filter: only listed VLANs pass once set; an empty list turns it off', async () => {
    const o = await openNic();
    const tagged = (vlan: number, seed: number) => {
      const f = frame(100, seed);
      const t = new Uint8Array(104);
      t.set(f.subarray(0, 12));
      t.set([0x81, 0x00, vlan >> 8, vlan & 0xff], 12);
      t.set(f.subarray(12), 16);
      return t;
    };
    o.nic.setVlanFilter([5, 4095]);
    await rxSettle(o);
    expect(o.device.receive(tagged(5, 1))).toBe('delivered');
    expect(o.device.receive(tagged(4095, 2))).toBe('delivered');
    expect(o.device.receive(tagged(6, 3))).toBe('dropped:vlan-filter');
    expect(o.device.receive(frame(100, 4))).toBe('delivered'); // untagged frames are not filtered
    o.nic.setVlanFilter([]);
    await rxSettle(o);
    expect(o.device.receive(tagged(6, 5))).toBe('delivered');
    expect(() => o.nic.setVlanFilter([4096])).toThrow(
      expect.objectContaining({ code: 'E_VLAN_ID' }),
    );
    await o.nic.close();
  });
});
