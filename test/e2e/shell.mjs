#!/usr/bin/env node
// A root shell in the e2e guest, for debugging: the same machine the scenarios get, with
// the console on this terminal. The project tree is at /share (read-only), the host's node
// on PATH, /ctl is a scratch directory shared with the host (its path is printed).
// Leave with `poweroff -f` in the guest, or Ctrl-A x.
//
//   node test/e2e/shell.mjs [--nics dgram,user] [--modules share,nic,vfio] [--smp 1] [--mem 1024]
import { parseArgs } from 'node:util';
import { withGuest } from './lib/guest.mjs';

const { values } = parseArgs({
  options: {
    nics: { type: 'string', default: 'dgram,user' },
    modules: { type: 'string', default: 'share,nic,vfio' },
    smp: { type: 'string', default: '1' },
    mem: { type: 'string', default: '1024' },
  },
});

await withGuest(
  {
    name: 'shell',
    nics: values.nics
      .split(',')
      .filter(Boolean)
      .map((kind) => ({ kind })),
    modules: values.modules.split(','),
    smp: Number(values.smp),
    memMb: Number(values.mem),
    shell: true,
    interactive: true,
    bootTimeoutMs: 0,
  },
  async (g) => {
    for (const n of g.nics) {
      const peer = n.peer ? `, host peer udp 127.0.0.1:${n.peer.port} <-> QEMU :${n.qemuPort}` : '';
      process.stderr.write(
        `[e2e] nic${n.index}: ${n.model} ${n.kind} at ${n.pciAddress}, mac ${n.mac}${peer}\r\n`,
      );
    }
    process.stderr.write(
      `[e2e] /ctl is ${g.ctlDir} on the host; guest booted in ${g.bootMs} ms\r\n`,
    );
    if (g.peer)
      g.peer.onFrame((f) =>
        process.stderr.write(`[e2e] host peer got a ${f.length}-byte frame\r\n`),
      );
    await g.exited();
  },
);
