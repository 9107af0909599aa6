/**
 * Agency ↔ advertiser links ("represents", with validity dates) and brands under advertisers. Pure:
 * the caller gives the kinds of the accounts named.
 */
export interface AgencyLinkFacts {
  agencyId: string;
  advertiserId: string;
  agencyKind: string | null;
  advertiserKind: string | null;
  validFrom: string;
  validTo: string | null;
}

/** A refusal: 422 for input that contradicts itself, 409 for input that contradicts other records. */
export interface Refusal {
  status: 409 | 422;
  message: string;
}

export function agencyLinkRefusal(link: AgencyLinkFacts): Refusal | null {
  if (link.validTo !== null && link.validTo < link.validFrom) return { status: 422, message: `validTo ${link.validTo} is before validFrom ${link.validFrom}` };
  if (link.agencyId === link.advertiserId) return { status: 422, message: 'an account cannot be its own agency' };
  if (link.agencyKind !== 'agency')
    return { status: 409, message: `agencyId must name an account of kind agency (account ${link.agencyId} is ${link.agencyKind ?? 'unknown'})` };
  if (link.advertiserKind !== 'advertiser')
    return {
      status: 409,
      message: `advertiserId must name an account of kind advertiser (account ${link.advertiserId} is ${link.advertiserKind ?? 'unknown'})`,
    };
  return null;
}

export function brandRefusal(advertiserId: string, advertiserKind: string | null): string | null {
  if (advertiserKind !== 'advertiser') return `a brand belongs to an account of kind advertiser (account ${advertiserId} is ${advertiserKind ?? 'unknown'})`;
  return null;
}

/** What names an account for its kind: agency links (as agency, as advertiser) and brands. */
export interface KindUses {
  asAgency: number;
  asAdvertiser: number;
  brands: number;
}

/** An account keeps the kind its agency links and brands rely on while they exist. */
export function kindChangeRefusal(accountId: string, from: string, to: string, uses: KindUses): string | null {
  if (from === to) return null;
  if (from === 'agency' && uses.asAgency > 0)
    return `account ${accountId} is the agency of ${uses.asAgency} agency link(s): it stays of kind agency while they exist`;
  if (from === 'advertiser' && uses.asAdvertiser + uses.brands > 0)
    return `account ${accountId} is the advertiser of ${uses.asAdvertiser} agency link(s) and ${uses.brands} brand(s): it stays of kind advertiser while they exist`;
  return null;
}

export interface LinkPeriod {
  id: string;
  validFrom: string;
  validTo: string | null;
}

/** Two links of the same agency and advertiser may not overlap in time (open ends run forever). */
export function overlappingLinkRefusal(link: LinkPeriod, others: readonly LinkPeriod[]): string | null {
  const end = (p: LinkPeriod) => p.validTo ?? '9999-12-31';
  const clash = others.find((o) => o.id !== link.id && o.validFrom <= end(link) && link.validFrom <= end(o));
  if (!clash) return null;
  return `agency link ${clash.id} already links this agency and advertiser from ${clash.validFrom} to ${clash.validTo ?? 'open-ended'}`;
}
