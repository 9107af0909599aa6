import { z } from 'zod';

/**
 * Territories and media of licensing (版权发行), as plain data. A territory is an ISO 3166-1 alpha-2
 * code or a named region; regions are explicit sets of codes, so containment is set inclusion and
 * nothing is guessed. `CN` is read as the mainland (中国大陆, `CN-mainland`): Hong Kong, Macao and
 * Taiwan have their own codes, and contracts distinguish 中国大陆 from 境外 (overseas).
 */

/** Every ISO 3166-1 alpha-2 code, CN spelt CN-mainland: the indivisible territories. */
export const territoryLeaves = [
  ...'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN-mainland CO CR CU CV CW CX CY CZ'.split(
    ' ',
  ),
  ...'DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT'.split(
    ' ',
  ),
  ...'JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG'.split(
    ' ',
  ),
  ...'NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG'.split(
    ' ',
  ),
  ...'TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'.split(' '),
] as const;

const leafSet: ReadonlySet<string> = new Set(territoryLeaves);
const eu = 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' ');

/** The named regions and the territories each contains (WORLD contains every territory). */
export const territoryRegions: Readonly<Record<string, readonly string[]>> = {
  WORLD: territoryLeaves,
  /** 境外: everything but the mainland (Hong Kong, Macao and Taiwan included). */
  OVERSEAS: territoryLeaves.filter((code) => code !== 'CN-mainland'),
  'GREATER-CHINA': ['CN-mainland', 'HK', 'MO', 'TW'],
  CN: ['CN-mainland'],
  EU: eu,
  /** ASEAN members and Timor-Leste. */
  SEA: 'BN KH ID LA MM MY PH SG TH TL VN'.split(' '),
};

const canonical = new Map<string, string>([...territoryLeaves, ...Object.keys(territoryRegions)].map((code) => [code.toUpperCase(), code]));

/** The canonical spelling of a territory code or region name (case-insensitive), or undefined. */
export const canonicalTerritory = (code: string): string | undefined => canonical.get(code.trim().toUpperCase());

/** The indivisible territories a territory code or region stands for (empty for an unknown code). */
export function territoryLeavesOf(code: string): readonly string[] {
  const known = canonicalTerritory(code);
  if (!known) return [];
  return territoryRegions[known] ?? (leafSet.has(known) ? [known] : []);
}

/** Media a licence may grant (Rightsline vocabulary and the 总发行委托合同's 播映权 / 信息网络传播权). */
export const licensingMedia = [
  'free_tv',
  'pay_tv',
  'satellite_tv',
  'iptv',
  'svod',
  'avod',
  'tvod',
  'est',
  'theatrical',
  'airline',
  'hotel',
  'home_video',
  'mobile',
] as const;
export type LicensingMedium = (typeof licensingMedia)[number];

/** Splits a stored list ("CN-mainland,HK") into its items. */
export const codeListItems = (value: string | null | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

function listInput(what: string, canonicalOf: (item: string) => string | undefined) {
  return z
    .string()
    .max(2000)
    .overwrite((value) => [...new Set(codeListItems(value).map((item) => canonicalOf(item) ?? item))].join(','))
    .superRefine((value, ctx) => {
      const items = codeListItems(value);
      if (items.length === 0) ctx.addIssue({ code: 'custom', message: `must name at least one ${what}` });
      const unknown = items.filter((item) => !canonicalOf(item));
      if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown ${what}: ${unknown.slice(0, 5).join(', ')}` });
    });
}

/** A comma-separated list of territories (ISO 3166-1 alpha-2 codes or regions: WORLD, OVERSEAS, GREATER-CHINA, CN, EU, SEA). */
export const territoryListInput = listInput('territory', canonicalTerritory);
/** A comma-separated list of media. */
export const mediaListInput = listInput('medium', (item) => (licensingMedia as readonly string[]).find((m) => m === item.trim().toLowerCase()));
