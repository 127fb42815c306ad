/**
 * `nicdl selftest`: the tests `ethtool -t` runs, for any nicdl driver — registers (from
 * the spec), link, PHY and MAC loopback with every byte checked, ring wraparound (ten
 * times the ring size through loopback), and interrupts. Each prints PASS, FAIL or SKIP;
 * any FAIL makes the exit code non-zero.
 */
import { Flags } from '@oclif/core';
import { ExitCode, NicdlError, isNicdlError } from '../../spec/errors.js';
import { NicdlCommand } from '../base.js';
import { count } from '../live-rates.js';
import {
  awaitLoopbackPath,
  loopbackSizes,
  runLoopbackTraffic,
  type LoopbackResult,
} from '../loopback-traffic.js';
import { linkText } from '../nic-summary.js';
import { deviceFlags, nicConfig, nicFlags } from '../nic-flags.js';
import { openDevice, startDriver, type OpenedDevice, type OpenedNic } from '../open-nic.js';
import { registerTest } from '../register-test.js';
import { makeTestFrame, parseMac } from '../../runtime/packet/index.js';

type Verdict = 'PASS' | 'FAIL' | 'SKIP';

interface TestOutcome {
  name: string;
  verdict: Verdict;
  detail: string;
}

const DEFAULT_LOOPBACK_FRAMES = 500;
const WRAPAROUND_TIMES = 10;
const INTERRUPT_WAIT_MS = 1000;
/** The extra wait that collects the frame's interrupt (moderation delays it up to ITR). */
const COLLECT_WAIT_MS = 10;
const US_PER_MS = 1000;

export default class Selftest extends NicdlCommand {
  static override summary =
    'Test the NIC: registers, link, PHY and MAC loopback, ring wraparound, interrupts';
  static override description =
    'The register test writes patterns into the read/write registers the spec declares (only plain read/write bits; ' +
    'never registers a sequence polls) and restores them, before the driver brings the device up. Loopback tests ' +
    'check every byte and the order of every frame. The driver runs in interrupt mode for the interrupt test. Exit 1 ' +
    'on any FAIL.';
  static override examples = [
    '<%= config.bin %> selftest',
    '<%= config.bin %> selftest --pci 0000:00:02.0 --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...deviceFlags,
    ...nicFlags,
    frames: Flags.integer({
      description: 'frames per loopback test',
      default: DEFAULT_LOOPBACK_FRAMES,
      min: 1,
    }),
  };

  async run(): Promise<{ tests: TestOutcome[]; passed: boolean }> {
    const { flags } = await this.parse(Selftest);
    const ctx = { onCleanup: (fn: () => Promise<void> | void) => this.onCleanup(fn) };
    const tests: TestOutcome[] = [];
    const report = (t: TestOutcome) => {
      tests.push(t);
      this.log(`${t.name.padEnd(16)} ${t.verdict}  ${t.detail}`);
    };
    const opened = await openDevice(flags, ctx);
    this.log(`self-test of ${opened.ir.name} on ${opened.where}`);
    report(this.registers(opened));
    const driver = await startDriver(opened, { ...nicConfig(flags), mode: 'interrupt' }, ctx);
    const nic: OpenedNic = { ...opened, driver };
    const link = driver.link();
    report({ name: 'link', verdict: link.up ? 'PASS' : 'FAIL', detail: linkText(link) });
    report(await this.loopback(nic, 'phy', flags.frames));
    report(await this.loopback(nic, 'mac', flags.frames));
    report(await this.wraparound(nic));
    report(await this.interrupts(nic));
    const failed = tests.filter((t) => t.verdict === 'FAIL');
    this.log(
      failed.length
        ? `${failed.length} of ${tests.length} tests FAILED`
        : `all tests passed (${tests.filter((t) => t.verdict === 'SKIP').length} skipped)`,
    );
    if (failed.length) {
      throw new NicdlError(
        'E_SELFTEST_FAILED',
        `${failed.length} of ${tests.length} self-tests failed: ${failed.map((t) => t.name).join(', ')}`,
        ExitCode.deviceFault,
        {
          tests,
        },
      );
    }
    return { tests, passed: true };
  }

  private registers(opened: OpenedDevice): TestOutcome {
    const r = registerTest(opened.ir, opened.device);
    const name = 'registers';
    const notImplemented = r.unimplemented.length
      ? `; ${r.unimplemented.length} read 0 whatever was written (not implemented by this device): ${r.unimplemented.join(', ')}`
      : '';
    const detail = `${r.tested} registers, 4 patterns each, restored; ${r.skipped.length} not tested${notImplemented}`;
    if (r.tested > 0 && r.unimplemented.length === r.tested)
      return {
        name,
        verdict: 'FAIL',
        detail: `every register reads 0: the device does not answer (${detail})`,
      };
    if (!r.failed.length) return { name, verdict: 'PASS', detail };
    return {
      name,
      verdict: 'FAIL',
      detail: `${detail}; ${r.failed.length} wrong: ${r.failures.join('; ')}`,
    };
  }

  private async loopback(
    nic: OpenedNic,
    mode: 'phy' | 'mac',
    frames: number,
  ): Promise<TestOutcome> {
    const name = `${mode}-loopback`;
    const sizes = loopbackSizes(nic.driver.config.maxFrameBytes);
    return this.inLoopback(nic, mode, name, async () =>
      traffic(name, await runLoopbackTraffic(nic.driver, { frames, sizes, stop: nic.stop })),
    );
  }

  /** Ten times round the larger ring, in loopback: every slot reused, indices wrapped. */
  private async wraparound(nic: OpenedNic): Promise<TestOutcome> {
    const { driver } = nic;
    const frames = WRAPAROUND_TIMES * Math.max(driver.config.rxRingSize, driver.config.txRingSize);
    const sizes = [60, 1514].filter((s) => s <= driver.config.maxFrameBytes);
    return this.inLoopback(nic, 'phy', 'ring-wraparound', async () => {
      const r = await runLoopbackTraffic(driver, { frames, sizes, stop: nic.stop });
      return traffic('ring-wraparound', r, `${WRAPAROUND_TIMES}x the ring: `);
    });
  }

  /**
   * Run `test` in loopback `mode` once a probe frame made it round (awaitLoopbackPath),
   * then leave loopback. A driver that refuses the mode, or a MAC loopback that never
   * returns a frame, is a SKIP (not every device implements it: QEMU's e1000 does not);
   * a PHY loopback that never returns one is a FAIL.
   */
  private async inLoopback(
    nic: OpenedNic,
    mode: 'phy' | 'mac',
    name: string,
    test: () => Promise<TestOutcome>,
  ): Promise<TestOutcome> {
    try {
      await nic.driver.setLoopback(mode);
    } catch (e) {
      if (isNicdlError(e) && /UNSUPPORTED/.test(e.code))
        return { name, verdict: 'SKIP', detail: e.message };
      throw e;
    }
    try {
      const settle = await awaitLoopbackPath(nic.driver, nic.stop);
      if (settle.ready) return await test();
      const detail = `no frame came back through ${mode.toUpperCase()} loopback in ${settle.waitedMs.toFixed(0)} ms (${settle.probesSent} probes)`;
      return mode === 'mac'
        ? { name, verdict: 'SKIP', detail: `${detail}: the device does not seem to implement it` }
        : { name, verdict: 'FAIL', detail };
    } finally {
      await nic.driver.setLoopback('none');
    }
  }

  /**
   * One frame through loopback must raise an interrupt the driver sees. A wait returns at
   * once when a frame is already there, so the interrupt is collected by one more wait
   * on the empty ring; pending causes from earlier tests are collected first.
   */
  private async interrupts(nic: OpenedNic): Promise<TestOutcome> {
    return this.inLoopback(nic, 'phy', 'interrupts', () => oneFrameInterrupt(nic));
  }
}

async function oneFrameInterrupt(nic: OpenedNic): Promise<TestOutcome> {
  const { driver, sim } = nic;
  const name = 'interrupts';
  const counted = () =>
    Number(driver.statistics().driver.interrupts ?? sim?.interruptsSignalled ?? NaN);
  await driver.waitForReceive(0);
  const mac = parseMac(driver.mac);
  const before = counted();
  const startUs = driver.clock.nowUs();
  driver.transmit([makeTestFrame(0, 60, mac, mac)]);
  let got = 0;
  while (!got && driver.clock.nowUs() - startUs < INTERRUPT_WAIT_MS * US_PER_MS) {
    await driver.waitForReceive(INTERRUPT_WAIT_MS);
    got = driver.receive(1, () => {});
  }
  const arrivedMs = (driver.clock.nowUs() - startUs) / US_PER_MS;
  await driver.waitForReceive(COLLECT_WAIT_MS);
  driver.reclaim();
  const raised = counted() - before;
  if (!got) return { name, verdict: 'FAIL', detail: `no frame within ${INTERRUPT_WAIT_MS} ms` };
  if (Number.isNaN(raised))
    return { name, verdict: 'SKIP', detail: 'the driver reports no interrupt count' };
  if (raised < 1)
    return {
      name,
      verdict: 'FAIL',
      detail: `the frame arrived after ${arrivedMs.toFixed(3)} ms but no interrupt was seen`,
    };
  return {
    name,
    verdict: 'PASS',
    detail: `${raised} interrupt(s) for one frame, which arrived after ${arrivedMs.toFixed(3)} ms`,
  };
}

function traffic(name: string, r: LoopbackResult, prefix = ''): TestOutcome {
  const detail = `${prefix}${count(r.received)} of ${count(r.sent)} frames back intact and in order, ${count(Math.round(r.pps))} frames/s`;
  if (r.ok) return { name, verdict: 'PASS', detail };
  const why = [
    r.mismatches ? `${r.mismatches} damaged/out of order` : '',
    r.timedOut ? 'timed out' : '',
    ...r.firstMismatches,
  ]
    .filter(Boolean)
    .join('; ');
  return {
    name,
    verdict: 'FAIL',
    detail: `${prefix}${count(r.received)} of ${count(r.sent)} back; ${why}`,
  };
}
