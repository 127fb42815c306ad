/**
 * `nicdl load`: bring a NIC up with a nicdl driver, show what was set up, prove it moves
 * traffic (PHY loopback self-test), and optionally keep serving. With no arguments: the
 * e1000 driver on its twin — the five-second demonstration of the whole stack.
 */
import { Flags } from '@oclif/core';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { NicdlCommand } from '../base.js';
import { count } from '../live-rates.js';
import {
  awaitLoopbackPath,
  loopbackSizes,
  runLoopbackTraffic,
  type LoopbackResult,
  type SettleResult,
} from '../loopback-traffic.js';
import { deviceFlags, nicFlags } from '../nic-flags.js';
import { nicSummary, summaryLines, type NicSummary } from '../nic-summary.js';
import { openNic, type OpenedNic } from '../open-nic.js';
import { counterDeltas, formatCounterDeltas, type CounterDelta } from '../stat-deltas.js';
import { serve, type ServeResult } from '../serve.js';

const DEFAULT_SELFTEST_FRAMES = 1000;

export default class Load extends NicdlCommand {
  static override summary =
    'Bring a NIC up with its nicdl driver, self-test it with loopback traffic, optionally serve';
  static override description =
    'Without --pci, loads the e1000 driver on its device twin. Prints the MAC, the link and the queue set-up, then ' +
    'sends --frames test frames through PHY loopback and checks every byte of every frame that comes back (exit 1 on ' +
    'any loss or difference). --serve then keeps the NIC up, printing live rates, until Ctrl-C.';
  static override examples = [
    '<%= config.bin %> load',
    '<%= config.bin %> load --pci 0000:00:02.0',
    '<%= config.bin %> load --pci 0000:00:02.0 --no-selftest --serve',
    '<%= config.bin %> load --rx-ring 1024 --tx-ring 1024 --frames 20000 --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...deviceFlags,
    ...nicFlags,
    selftest: Flags.boolean({
      description: 'run the loopback self-test after bring-up',
      default: true,
      allowNo: true,
    }),
    frames: Flags.integer({
      description: 'frames in the self-test',
      default: DEFAULT_SELFTEST_FRAMES,
      min: 1,
    }),
    serve: Flags.boolean({
      description: 'keep the NIC up after the self-test, printing live rates, until Ctrl-C',
    }),
  };

  async run(): Promise<{
    nic: NicSummary;
    selftest?: SelfTestResult;
    serve?: ServeResult;
  }> {
    const { flags } = await this.parse(Load);
    const startMs = performance.now();
    const nic = await openNic(flags, { onCleanup: (fn) => this.onCleanup(fn) });
    const summary = nicSummary(nic);
    for (const line of summaryLines(summary)) this.log(line);
    const result: {
      nic: NicSummary;
      selftest?: SelfTestResult;
      serve?: ServeResult;
    } = { nic: summary };
    if (flags.selftest) {
      result.selftest = await this.selfTest(nic, flags.frames);
      this.log(`done in ${((performance.now() - startMs) / 1000).toFixed(2)} s`);
    }
    if (flags.serve)
      result.serve = await serve(
        nic,
        (line) => this.logToStderr(line),
        (line) => this.log(line),
      );
    if (result.selftest && !result.selftest.ok) throw selfTestError(result.selftest);
    return result;
  }

  private async selfTest(nic: OpenedNic, frames: number): Promise<SelfTestResult> {
    const { driver } = nic;
    const sizes = loopbackSizes(driver.config.maxFrameBytes);
    this.log(
      `self-test: ${count(frames)} frames of ${sizes[0]}-${sizes[sizes.length - 1]} bytes through PHY loopback`,
    );
    await driver.setLoopback('phy');
    try {
      const settle = await awaitLoopbackPath(driver, nic.stop);
      this.log(
        settle.ready
          ? `  loopback path ready after ${settle.waitedMs.toFixed(0)} ms (device time)`
          : `  no probe frame came back in ${settle.waitedMs.toFixed(0)} ms: the loopback path does not work`,
      );
      if (!settle.ready) return { ...notRun(frames), settle, counters: [], countersAgree: false };
      const before = driver.statistics();
      const r = await runLoopbackTraffic(driver, { frames, sizes, stop: nic.stop });
      const counters = counterDeltas(before, driver.statistics());
      const countersAgree = driverCountsAgree(counters, r);
      this.printTraffic(r, counters, countersAgree);
      return { ...r, ok: r.ok && countersAgree, settle, counters, countersAgree };
    } finally {
      await driver.setLoopback('none');
    }
  }

  private printTraffic(r: LoopbackResult, counters: CounterDelta[], countersAgree: boolean): void {
    const verdict = r.ok
      ? 'all intact and in order'
      : `${r.mismatches} damaged or out of order${r.timedOut ? ', timed out waiting for the rest' : ''}`;
    this.log(`  sent ${count(r.sent)}, received ${count(r.received)}: ${verdict}`);
    for (const m of r.firstMismatches) this.log(`    ${m}`);
    this.log(`  ${count(Math.round(r.pps))} frames/s round trip (${r.elapsedMs.toFixed(0)} ms)`);
    for (const line of formatCounterDeltas(counters)) this.log(`  ${line}`);
    if (!countersAgree)
      this.log('  the driver counters disagree with the frames sent and received');
    this.log(r.ok && countersAgree ? 'self-test PASS' : 'self-test FAIL');
  }
}

type SelfTestResult = LoopbackResult & {
  settle: SettleResult;
  counters: CounterDelta[];
  countersAgree: boolean;
};

/** The driver's packet counts moved by exactly what went out and came back (when it has them). */
function driverCountsAgree(counters: CounterDelta[], r: LoopbackResult): boolean {
  const delta = (name: string) =>
    counters.find((c) => c.source === 'driver' && c.name === name)?.delta ?? 0;
  const has = counters.some((c) => c.source === 'driver');
  return !has || (delta('tx_packets') === r.sent && delta('rx_packets') === r.received + r.foreign);
}

function notRun(frames: number): LoopbackResult {
  return {
    sent: 0,
    received: 0,
    bytesSent: 0,
    mismatches: 0,
    firstMismatches: [`no frame came back through loopback; ${frames} frames not sent`],
    foreign: 0,
    timedOut: true,
    elapsedMs: 0,
    pps: 0,
    ok: false,
  };
}

function selfTestError(r: SelfTestResult): NicdlError {
  const lost = r.sent - r.received;
  const why =
    r.sent === 0
      ? r.firstMismatches[0]
      : r.mismatches || lost
        ? `${r.mismatches} of ${r.received} frames damaged or out of order, ${lost} lost`
        : 'every frame came back intact, but the driver counters disagree';
  return new NicdlError(
    'E_SELFTEST_FAILED',
    `loopback self-test failed: ${why}`,
    ExitCode.deviceFault,
    {
      sent: r.sent,
      received: r.received,
      mismatches: r.mismatches,
      firstMismatches: r.firstMismatches,
    },
  );
}
