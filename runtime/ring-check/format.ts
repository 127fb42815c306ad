/**
 * The suite's report as text, for `nicdl test`: one line per property (ring × device)
 * with the runs, commands and wraparounds it reached; for a failure, the broken rule,
 * the shrunk program that breaks it and the one command that replays it.
 */
import type { PropertyReport, RingCheckReport } from './check.js';

export function formatProperty(p: PropertyReport): string {
  const s = p.stats;
  const f = p.failure;
  const what = `ring ${p.ring} (${p.direction}) on ${p.device}`;
  const head = f
    ? `FAIL ${what}: run ${f.run} failed, after ${s.runs} passing run${s.runs === 1 ? '' : 's'} — ${p.ms} ms`
    : `ok   ${what}: ${s.runs} runs, ${s.commands} commands, ${s.posts} posts, ${s.wraparounds} wraparounds ` +
      `(max ${s.maxWraparounds} in a run, ${s.runsWrappingTwice} runs wrapped twice), ${s.resets} resets, ` +
      `${s.poisonedPosts} unmapped buffers, ${s.lateCompletions} late completions — ${p.ms} ms`;
  const lines = [head, ...p.notes.map((n) => `     note: ${n}`)];
  if (f) {
    lines.push(`     ${f.message}`);
    const n = f.commands.length;
    lines.push(
      `     counterexample (${f.ringSlots}-slot ring, ${n} command${n === 1 ? '' : 's'}, the last one fails):`,
    );
    for (const c of f.commands) lines.push(`       ${c}`);
    lines.push(`     replay: ${f.replay}`);
  }
  return lines.join('\n');
}

export function formatReport(r: RingCheckReport): string {
  const failed = r.properties.filter((p) => !p.ok).length;
  const summary = r.ok
    ? `${r.device}: ${r.properties.length} ring properties passed (${r.runs} runs each, seed ${r.seed}) in ${r.ms} ms`
    : `${r.device}: ${failed} of ${r.properties.length} ring properties failed (seed ${r.seed}) in ${r.ms} ms`;
  return [...r.properties.map(formatProperty), summary].join('\n');
}
