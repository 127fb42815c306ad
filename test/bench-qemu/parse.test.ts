// The QEMU bench's parsers on output captured from the real tools in the bench guest
// (pktgen of Linux 6.1, testpmd of DPDK 22.11, busybox 1.35 ping, nicdl --json).
import { describe, expect, it } from 'vitest';
import {
  commandPps,
  commandRttsMs,
  intervalRates,
  parseCommandJson,
  parseCounterSamples,
  parsePingRtts,
  parsePktgen,
  parseTestpmd,
  testpmdError,
} from '../../bench/qemu/parse.js';

const PKTGEN = `Params: count 0  min_pkt_size: 60  max_pkt_size: 60
     burst: 32
Current:
     pkts-sofar: 591968  errors: 0
Result: OK: 5002564(c4993568+d8996) usec, 591968 (60byte,0frags)
  118332pps 56Mb/sec (56799360bps) errors: 0
`;

const CLEAR = '\x1b[2J\x1b[1;1H';
const stats = (tx: number, pps: number) => `${CLEAR}
Port statistics ====================================
  ######################## NIC statistics for port 0  ########################
  RX-packets: 0          RX-missed: 0          RX-bytes:  0
  TX-packets: ${tx}    TX-errors: 0          TX-bytes:  0

  Throughput (since last show)
  Rx-pps:            0          Rx-bps:            0
  Tx-pps:       ${pps}          Tx-bps:    133710008
  ############################################################################
`;
const TESTPMD = `${stats(0, 0)}${stats(261152, 261152)}${stats(396360, 135208)}Telling cores to stop...

  +++++++++++++++ Accumulated forward statistics for all ports+++++++++++++++
  RX-packets: 0              RX-dropped: 0             RX-total: 0
  TX-packets: 3829216        TX-dropped: 0             TX-total: 3829216
  ++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++
`;

describe('pktgen report', () => {
  it('reads rate, packets, time and frame size', () => {
    expect(parsePktgen(PKTGEN)).toEqual({
      pps: 118332,
      packets: 591968,
      elapsedUs: 5002564,
      frameBytes: 60,
    });
  });
  it('is null for a run that did not finish OK', () => {
    expect(parsePktgen('Result: Idle\n')).toBeNull();
  });
});

describe('testpmd statistics', () => {
  it('averages the periods with traffic and reads the accumulated total', () => {
    const r = parseTestpmd(TESTPMD, 'tx');
    expect(r.ppsSamples).toEqual([0, 261152, 135208]);
    expect(r.pps).toBe((261152 + 135208) / 2);
    expect(r.packets).toBe(3829216);
  });
  it('has no rate for the side that saw no traffic', () => {
    expect(parseTestpmd(TESTPMD, 'rx')).toEqual({ pps: null, ppsSamples: [0, 0, 0], packets: 0 });
  });
  it('names the EAL failure', () => {
    const out =
      'EAL: Error, directory path / is world-writable and insecure\nEAL: FATAL: Cannot init plugins\n';
    expect(testpmdError(out)).toBe('EAL: FATAL: Cannot init plugins');
    expect(testpmdError(TESTPMD)).toBeNull();
  });
});

describe('kernel RX counter samples', () => {
  it('turns uptime/packet lines into per-interval rates', () => {
    const samples = parseCounterSamples('32.13 20171\n33.13 37471\n34.63 88336\n');
    expect(samples).toHaveLength(3);
    expect(intervalRates(samples).map(Math.round)).toEqual([17300, 33910]);
  });
});

describe('ping', () => {
  it('reads every busybox reply time', () => {
    const out = `PING 10.0.2.2 (10.0.2.2): 56 data bytes
64 bytes from 10.0.2.2: seq=0 ttl=255 time=0.920 ms
64 bytes from 10.0.2.2: seq=1 ttl=255 time=12.5 ms

--- 10.0.2.2 ping statistics ---
round-trip min/avg/max = 0.920/6.710/12.500 ms`;
    expect(parsePingRtts(out)).toEqual([0.92, 12.5]);
  });
  it('reads nicdl ping replies given in microseconds', () => {
    const json = {
      transmitted: 2,
      rttMs: { min: 0.7, max: 4 },
      replies: [
        { seq: 1, rttUs: 3995.7 },
        { seq: 2, rttUs: 715.9 },
      ],
    };
    expect(commandRttsMs(json)).toEqual([3.9957, 0.7159]);
  });
});

describe('nicdl --json', () => {
  it('takes the document after progress lines', () => {
    expect(parseCommandJson('sending...\n{\n  "sent": 10,\n  "seconds": 2\n}\n')).toEqual({
      sent: 10,
      seconds: 2,
    });
    expect(parseCommandJson('no json here')).toBeNull();
  });
  it('prefers a rate field, else a count over a time', () => {
    expect(commandPps({ sent: 100, seconds: 4, pps: 30 })).toBe(30);
    expect(commandPps({ sent: 100, elapsedMs: 500 })).toBe(200);
    expect(commandPps({ tx: { sent: 100, seconds: 2 } })).toBe(50);
    expect(commandPps({ received: 51420, bytes: 3085200 })).toBeNull();
  });
});
