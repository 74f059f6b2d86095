import { readFileSync } from 'node:fs';

/**
 * `node dist/bench/profile-summary.js <file.cpuprofile> [top]`: where a child of `npm run bench --
 * --cpu-prof` spent its CPU. Prints self time by package (node_modules/<pkg>, src/<dir>, node
 * internals), then the top functions by self and by inclusive time (a function counted once per
 * sample, however deep it recurses).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function bucket(url: string): string {
  if (!url) return '(native / vm)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const own = /\/dist\/((?:src|bench)\/[^/]+(?:\/[^/]+)?)/.exec(url);
  return own ? own[1].replace(/\.js$/, '') : url;
}

function label(n: ProfileNode): string {
  const f = n.callFrame;
  const file = f.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '');
  return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary <file.cpuprofile> [top]');
  const top = Number(topArg ?? 30);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const idle = new Set(['(idle)', '(program)', '(garbage collector)']);
  let total = 0;
  let busy = 0;
  const byBucket = new Map<string, number>();
  const bySelf = new Map<string, number>();
  const byInclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id) as ProfileNode;
    total += us;
    const name = n.callFrame.functionName;
    if (name === '(idle)') continue;
    busy += us;
    const b = idle.has(name) ? name : bucket(n.callFrame.url);
    byBucket.set(b, (byBucket.get(b) ?? 0) + us);
    bySelf.set(label(n), (bySelf.get(label(n)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const l = label(byId.get(at) as ProfileNode);
      if (seen.has(l)) continue;
      seen.add(l);
      byInclusive.set(l, (byInclusive.get(l) ?? 0) + us);
    }
  }
  const pct = (us: number): string => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  const print = (title: string, m: Map<string, number>, n: number): void => {
    console.log(`\n${title}`);
    for (const [k, v] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n))
      console.log(`  ${pct(v)}  ${k}`);
  };
  console.log(
    `${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages are of busy time)`,
  );
  print('self time by package', byBucket, top);
  print('self time by function', bySelf, top);
  print('inclusive time by function', byInclusive, top);
}

main();
