/**
 * Where nicdl's time goes in the guest: the functions with the most self time in a V8
 * CPU profile (`node --cpu-prof`, written by the bench's --cpu-prof option).
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface HotFunction {
  /** "name (file:line)", with the file relative to the project where it is inside it. */
  where: string;
  selfMs: number;
  /** Share of all samples, in percent. */
  percent: number;
}

const US_PER_MS = 1000;

/** The `top` functions by self time, merged across call paths. */
export function hotFunctions(profile: CpuProfile, top = 10): HotFunction[] {
  const totalHits = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
  if (totalHits === 0) return [];
  const msPerHit = (profile.endTime - profile.startTime) / US_PER_MS / totalHits;
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    if (!node.hitCount) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(/^\/share\//, '');
    // lineNumber is 0-based in V8 profiles.
    const where = `${functionName || '(anonymous)'}${file ? ` (${file}:${lineNumber + 1})` : ''}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + node.hitCount);
  }
  return [...byFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, hits]) => ({
      where,
      selfMs: Math.round(hits * msPerHit),
      percent: Math.round((hits / totalHits) * 1000) / 10,
    }));
}
