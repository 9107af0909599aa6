export interface CampaignWrite {
  startDate: string | null;
  endDate: string | null;
}

/** Why a campaign write is refused (422 message), or null: it ends on or after the day it starts. */
export function campaignWriteRefusal(next: CampaignWrite): string | null {
  if (next.startDate && next.endDate && next.endDate < next.startDate) return `endDate ${next.endDate} is before startDate ${next.startDate}`;
  return null;
}
