/** What a build would do, without doing it: each node's status and the reason (for `postaudio plan`). */
import type { Plan, PlanNode } from '../plan.ts';
import { Cache } from './cache.ts';
import { readState, whyRender } from './state.ts';

export type NodeStatus = 'cached' | 'render' | 'not needed';
export interface NodeExplanation {
  id: string;
  kind: PlanNode['kind'];
  key: string;
  status: NodeStatus;
  reason: string;
}

export async function explainPlan(plan: Plan, cacheDir: string): Promise<NodeExplanation[]> {
  const cache = new Cache(cacheDir);
  const prev = readState(cacheDir);
  const keys = new Map(plan.nodes.map((n) => [n.id, n.key]));
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const status = new Map<string, { status: NodeStatus; reason: string }>();

  const visit = async (n: PlanNode): Promise<void> => {
    if (status.has(n.id)) return;
    if (await cache.has(n.key, Boolean(n.inline))) {
      status.set(n.id, { status: 'cached', reason: 'up to date' });
      return;
    }
    status.set(n.id, { status: 'render', reason: whyRender(n, prev.nodes[n.id], keys) });
    for (const i of n.inputs) await visit(byId.get(i)!);
  };
  for (const n of plan.nodes.filter((x) => x.kind === 'deliverable')) await visit(n);

  return plan.nodes.map((n) => ({
    id: n.id,
    kind: n.kind,
    key: n.key,
    ...(status.get(n.id) ?? { status: 'not needed' as const, reason: 'everything that uses it is up to date' }),
  }));
}
