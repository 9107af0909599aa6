import { type Alert, createRuleEngine, type EngineStats, fromAuditJson, isSkipped, type RuleConfig } from './rules/index.js';

/** What a replay found: every alert as it stands at the end (suppressed repeats counted on it), and what was read. */
export interface ReplayReport {
  /** Ordered by the seq of the event that raised them. */
  alerts: Alert[];
  lines: number;
  /** Lines that are not JSON or not an audit event, by reason (the reasons quote nothing of the line). */
  skipped: Record<string, number>;
  engine: EngineStats;
}

/**
 * `castellan monitor replay`: scores a recorded stream of audit events (the lines of
 * `castellan audit export`) with the same rule engine the live detector runs, offline — for tuning
 * thresholds and for tests. A line that is not JSON, or not an event, is counted and skipped, never
 * fatal. Events are scored in the order given; one already scored (a seq at or below the last) is
 * ignored, as on a resumed detector.
 */
export async function replayEvents(lines: AsyncIterable<string>, config: RuleConfig): Promise<ReplayReport> {
  const engine = createRuleEngine(config);
  const alerts = new Map<string, Alert>();
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };
  let count = 0;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    count += 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      skip('not JSON');
      continue;
    }
    const event = fromAuditJson(parsed);
    if (isSkipped(event)) {
      skip(event.skipped);
      continue;
    }
    for (const alert of engine.score(event)) alerts.set(alert.id, alert);
  }
  return {
    alerts: [...alerts.values()].sort((a, b) => a.firstSeq - b.firstSeq || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)),
    lines: count,
    skipped,
    engine: engine.state().stats,
  };
}
