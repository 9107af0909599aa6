import { type OperatorKind, type recordsMechanisms, territoryLeaves } from '@castellan/shared';
import { isCrossBorder } from './pipia-requirements.js';

/**
 * The rules of the cross-border transfer register, pure and table-tested. A transfer names its
 * recipient, the country (ISO 3166-1 alpha-2; Hong Kong, Macao and Taiwan are outside the mainland),
 * the activity whose data goes, the PI categories (only those the activity processes), the yearly
 * number of people and — when it leaves the controller's country — the PIPL Art. 38 mechanism. The
 * mechanism must be strong enough for the volume (Provisions on Promoting and Regulating Cross-Border
 * Data Flows, 2024, Arts. 7–8): a security assessment for a critical-information-infrastructure
 * operator, above 1,000,000 people, or above 10,000 people's sensitive PI; otherwise a standard
 * contract, a certification or an assessment.
 */
export type TransferMechanism = (typeof recordsMechanisms)[number];

export const assessmentThresholds = { people: 1_000_000, sensitivePeople: 10_000 } as const;

/** Every ISO 3166-1 alpha-2 code (the licensing list spells the mainland CN-mainland). */
export const countryCodes: ReadonlySet<string> = new Set(territoryLeaves.map((code) => (code === 'CN-mainland' ? 'CN' : code)));

export interface TransferInput {
  recipient: string;
  country: string;
  mechanism: TransferMechanism | null;
  categories: readonly string[];
  activity: string;
  subjectsPerYear: number;
  pipiaId: string | null;
}

export interface TransferContext {
  home: string;
  operatorKind: OperatorKind;
  /** Each activity's PI categories and whether each is sensitive. */
  activities: ReadonlyMap<string, ReadonlyMap<string, boolean>>;
  /** The activity a PIPIA assesses, or undefined when there is no such PIPIA. */
  pipiaActivity: (id: string) => string | undefined;
}

export interface TransferProblem {
  field: keyof TransferInput;
  message: string;
}

/** The mechanism the law requires at least: `security_assessment`, or any of the three. */
export function requiredMechanism(
  input: Pick<TransferInput, 'subjectsPerYear'>,
  sensitive: boolean,
  operatorKind: OperatorKind,
): 'security_assessment' | 'any' {
  if (operatorKind === 'cii') return 'security_assessment';
  if (input.subjectsPerYear > assessmentThresholds.people) return 'security_assessment';
  if (sensitive && input.subjectsPerYear > assessmentThresholds.sensitivePeople) return 'security_assessment';
  return 'any';
}

export function transferProblems(input: TransferInput, context: TransferContext): TransferProblem[] {
  const problems: TransferProblem[] = [];
  const country = input.country.toUpperCase();
  if (!countryCodes.has(country)) problems.push({ field: 'country', message: `${input.country} is not an ISO 3166-1 alpha-2 country code` });
  const categories = context.activities.get(input.activity);
  if (!categories) problems.push({ field: 'activity', message: `${input.activity} is not a processing activity of the record` });
  if (input.categories.length === 0) problems.push({ field: 'categories', message: 'name at least one category of personal data transferred' });
  const foreign = categories ? input.categories.filter((c) => !categories.has(c)) : [];
  if (foreign.length) problems.push({ field: 'categories', message: `the activity does not process: ${foreign.join(', ')}` });
  const sensitive = !!categories && input.categories.some((c) => categories.get(c) === true);
  const crossBorder = isCrossBorder(country, context.home);
  if (crossBorder && !input.mechanism)
    problems.push({
      field: 'mechanism',
      message: 'a cross-border transfer needs a mechanism: standard_contract, certification or security_assessment (PIPL Art. 38)',
    });
  if (
    crossBorder &&
    input.mechanism &&
    input.mechanism !== 'security_assessment' &&
    requiredMechanism(input, sensitive, context.operatorKind) === 'security_assessment'
  )
    problems.push({
      field: 'mechanism',
      message:
        context.operatorKind === 'cii'
          ? 'a critical information infrastructure operator needs a CAC security assessment for any export of personal information'
          : `above ${assessmentThresholds.people.toLocaleString('en')} people, or ${assessmentThresholds.sensitivePeople.toLocaleString('en')} people's sensitive PI, a year, the transfer needs a CAC security assessment`,
    });
  if (!crossBorder && input.mechanism)
    problems.push({ field: 'mechanism', message: `a mechanism applies to a transfer out of ${context.home} only; this recipient is in ${context.home}` });
  if (input.pipiaId) {
    const assessed = context.pipiaActivity(input.pipiaId);
    if (assessed === undefined) problems.push({ field: 'pipiaId', message: 'no such impact assessment' });
    else if (assessed !== input.activity) problems.push({ field: 'pipiaId', message: `the impact assessment is of ${assessed}, not of ${input.activity}` });
  }
  return problems;
}
