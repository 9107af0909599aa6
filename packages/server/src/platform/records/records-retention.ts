/**
 * How long an impact assessment and the record of processing are kept: at least three years (PIPL
 * Art. 56: 个人信息保护影响评估报告和处理情况记录应当至少保存三年), counted in calendar years from the
 * latest version. A deletion before then is refused.
 */
export const retentionYears = 3;

export function retainedUntil(latestVersionAt: string): Date {
  const at = new Date(latestVersionAt);
  const until = new Date(at);
  until.setUTCFullYear(at.getUTCFullYear() + retentionYears);
  // 29 February + 3 years rolls over to 1 March, never back to 28 February: the period is never shortened.
  return until;
}

export const mayDelete = (latestVersionAt: string, now: Date): boolean => now.getTime() >= retainedUntil(latestVersionAt).getTime();
