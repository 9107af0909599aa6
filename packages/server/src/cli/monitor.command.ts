import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { replayEvents } from '../platform/monitor/replay.js';
import { type RuleConfig, ruleSettingsFile, validateRuleConfig } from '../platform/monitor/rules/index.js';
import { out } from './cli-context.js';

/** The rule settings: the defaults, with what `file` (JSON) sets; every error at once, by its path. */
function ruleSettings(file: string | undefined): RuleConfig {
  let input: unknown = {};
  if (file !== undefined) {
    if (!existsSync(file)) throw new Error(`no rule settings file at ${file}`);
    try {
      input = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new Error(`the rule settings file ${file} is not JSON`);
    }
  }
  const result = validateRuleConfig(input);
  if (!result.ok) throw new Error(`the rule settings in ${file} are not valid:\n  ${result.errors.join('\n  ')}`);
  return result.config;
}

/** `castellan monitor replay <events.jsonl> [--rules FILE] | rules`: the detection rules, offline. */
export function monitorCommands(program: Command): void {
  const group = program.command('monitor').description('anomaly detection on the audit trail: score a recorded stream offline, show the rule settings');
  group
    .command('replay <events>')
    .description(
      'score audit events (the JSON lines of `castellan audit export`; - for standard input) with the detection rules; prints each alert as a JSON line, a summary on standard error',
    )
    .option('--rules <file>', 'rule settings as JSON (thresholds, windows, exceptions, time zone); what it leaves out keeps its default')
    .action(async (events: string, opts: { rules?: string }) => {
      const config = ruleSettings(opts.rules);
      if (events !== '-' && !existsSync(events)) throw new Error(`no events file at ${events}`);
      const input = events === '-' ? process.stdin : createReadStream(events, { encoding: 'utf8' });
      const report = await replayEvents(createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }), config);
      for (const alert of report.alerts) out(JSON.stringify(alert));
      const skipped = Object.entries(report.skipped).map(([reason, n]) => `${n} ${reason}`);
      process.stderr.write(
        `${report.lines} line(s): ${report.engine.scored} event(s) scored, ${report.engine.repeated} already scored, ${skipped.length ? `skipped ${skipped.join(', ')}` : 'none skipped'}; ${report.alerts.length} alert(s)\n`,
      );
    });
  group
    .command('rules')
    .description('print the rule settings in force (the defaults, or with --rules FILE applied) as a settings file (JSON) that --rules takes as it is')
    .option('--rules <file>', 'rule settings as JSON to apply to the defaults')
    .action((opts: { rules?: string }) => {
      out(JSON.stringify(ruleSettingsFile(ruleSettings(opts.rules)), null, 2));
    });
}
