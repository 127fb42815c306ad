/**
 * The suite's report as text, for `nicdl test`: one line per property (ring × device)
 * with the runs, commands and wraparounds it reached (and, for a ring that batches status
 * reports, the runs that did and the slots left unreported); for a failure, the broken
 * rule, the shrunk program that breaks it and the one command that replays it.
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
      `${s.poisonedPosts} unmapped buffers, ${s.lateCompletions} late completions${batching(p)} — ${p.ms} ms`;
  const lines = [head, ...p.notes.map((n) => `     note: ${n}`)];
  if (f) {
    lines.push(`     ${f.message}`);
    const n = f.commands.length;
    lines.push(
      `     counterexample (${f.ringSlots}-slot ring${f.reportEvery > 1 ? ` reporting every ${f.reportEvery}` : ''}, ${n} command${n === 1 ? '' : 's'}, the last one fails):`,
    );
    for (const c of f.commands) lines.push(`       ${c}`);
    lines.push(`     replay: ${f.replay}`);
  }
  return lines.join('\n');
}

/** For a ring that can batch status reports: how many runs did, and what they left unreported. */
function batching(p: PropertyReport): string {
  if (!p.reportEvery.some((n) => n > 1)) return '';
  const s = p.stats;
  return `, ${s.batchedRuns} runs reporting every ${p.reportEvery.filter((n) => n > 1).join('/')} (${s.unreportedSlots} slots unreported)`;
}

export function formatReport(r: RingCheckReport): string {
  const failed = r.properties.filter((p) => !p.ok).length;
  const summary = r.ok
    ? `${r.device}: ${r.properties.length} ring properties passed (${r.runs} runs each, seed ${r.seed}) in ${r.ms} ms`
    : `${r.device}: ${failed} of ${r.properties.length} ring properties failed (seed ${r.seed}) in ${r.ms} ms`;
  return [...r.properties.map(formatProperty), summary].join('\n');
}
