/**
 * Consistency of the airtime reference data. Pure.
 * - a daypart starts before it ends and does not cross midnight (split 23:00–02:00 into two);
 * - a break belongs to its daypart's channel and starts within the daypart;
 * - a rate card's daypart is of its channel, its validity runs forwards, and it does not overlap
 *   another card of the same channel × daypart × length (so a booking's price is unambiguous).
 */
export function daypartRefusal(d: { startTime: string; endTime: string }): string | null {
  return d.startTime < d.endTime ? null : `a daypart must start before it ends (${d.startTime}–${d.endTime}); split one that crosses midnight in two`;
}

export function breakRefusal(
  b: { channelId: string; startTime: string },
  daypart: { channelId: string; startTime: string; endTime: string; name: string },
): string | null {
  if (b.channelId !== daypart.channelId) return `the daypart ${daypart.name} belongs to another channel`;
  if (b.startTime < daypart.startTime || b.startTime >= daypart.endTime) {
    return `the break at ${b.startTime} lies outside the daypart ${daypart.name} (${daypart.startTime}–${daypart.endTime})`;
  }
  return null;
}

export function validityRefusal(card: { validFrom: string; validTo: string | null }): string | null {
  return card.validTo === null || card.validFrom <= card.validTo ? null : `validTo ${card.validTo} is before validFrom ${card.validFrom}`;
}
