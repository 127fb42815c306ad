// Running nicdl in the guest and reading what it prints, for scenarios: a command that
// must succeed with --json, the last JSON line of a guest script, and `nicdl dump --json`
// turned into registers by name with their fields by name.
import assert from 'node:assert/strict';
import { formatOutput } from './guest.mjs';

/** Under TCG on a busy machine one hardware command has taken up to a minute. */
const COMMAND_TIMEOUT_MS = 150_000;

/** `nicdl ARGS --json` in the guest: must exit 0; returns the parsed JSON. */
export async function nicdlJson(g, args, opts = { timeoutMs: COMMAND_TIMEOUT_MS }) {
  const r = await g.nicdl(`${args} --json`, opts);
  assert.equal(r.code, 0, `expected \`nicdl ${args} --json\` to exit 0\n${formatOutput(r)}`);
  return parseJson(r.stdout, `nicdl ${args}`);
}

/** The last line of `text` that parses as a JSON object. */
export function lastJsonLine(text, what = 'output') {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      return JSON.parse(line);
    } catch {
      // not JSON after all: keep looking
    }
  }
  throw new Error(`${what}: no JSON line in:\n${text}`);
}

export function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what}: expected JSON (${e.message}), got:\n${text}`);
  }
}

/**
 * `nicdl dump --json` output as { NAME: { value, fields: { FIELD: value }, enums: { FIELD:
 * enumName } } }; array elements keep their "RAL[0]" names.
 */
export function registersByName(dump) {
  return Object.fromEntries(
    dump.registers.map((r) => [
      r.name,
      {
        value: r.value,
        fields: Object.fromEntries(r.fields.map((f) => [f.name, f.value])),
        enums: Object.fromEntries(
          r.fields.filter((f) => f.enumName).map((f) => [f.name, f.enumName]),
        ),
      },
    ]),
  );
}

/** The MAC address held in a RAL/RAH pair (8254x SDM §13.5.2-3: byte 0 in RAL bits 7:0). */
export function macOfReceiveAddress(ral, rah) {
  return [ral, ral >>> 8, ral >>> 16, ral >>> 24, rah, rah >>> 8]
    .map((b) => (b & 0xff).toString(16).padStart(2, '0'))
    .join(':');
}

/** Bits hi..lo of a 32-bit value. */
export function bitsOf(value, hi, lo = hi) {
  return Number((BigInt(value) >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n));
}
