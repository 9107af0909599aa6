import type { ProtectedStore, RuleContext } from '../../platform/data/protected-store.js';
import { conflict, unprocessable } from '../../platform/errors.js';
import { breakRefusal, daypartRefusal, validityRefusal } from './airtime-reference.policy.js';
import { overlappingRateCard } from './booking-price.policy.js';

const text = (v: unknown): string => String(v ?? '');

async function daypartOf(rc: RuleContext, id: unknown) {
  const [daypart] = await rc.plainRows('dayparts', { id: text(id) });
  if (!daypart) throw unprocessable('daypartId does not name a daypart you can see');
  return { channelId: text(daypart.channelId), startTime: text(daypart.startTime), endTime: text(daypart.endTime), name: text(daypart.name) };
}

/** Dayparts, breaks and rate cards stay consistent with each other (airtime-reference.policy.ts). */
export function defineAirtimeRules(store: ProtectedStore): void {
  store.defineRules('dayparts', {
    async beforeWrite(rc, next, previous) {
      const refusal = daypartRefusal({ startTime: text(next.startTime), endTime: text(next.endTime) });
      if (refusal) throw unprocessable(refusal);
      if (!previous) return;
      // Its breaks must still lie inside it, on its channel.
      for (const b of await rc.plainRows('breaks', { daypartId: text(next.id) })) {
        const outside = breakRefusal(
          { channelId: text(b.channelId), startTime: text(b.startTime) },
          {
            channelId: text(next.channelId),
            startTime: text(next.startTime),
            endTime: text(next.endTime),
            name: text(next.name),
          },
        );
        if (outside) throw conflict(`the daypart's break would no longer fit: ${outside}`);
      }
    },
  });
  store.defineRules('breaks', {
    async beforeWrite(rc, next) {
      const refusal = breakRefusal({ channelId: text(next.channelId), startTime: text(next.startTime) }, await daypartOf(rc, next.daypartId));
      if (refusal) throw unprocessable(refusal);
    },
  });
  store.defineRules('rate_cards', {
    async beforeWrite(rc, next) {
      const daypart = await daypartOf(rc, next.daypartId);
      if (daypart.channelId !== text(next.channelId)) throw unprocessable(`the daypart ${daypart.name} belongs to another channel`);
      const card = { id: text(next.id), price: Number(next.price), validFrom: text(next.validFrom), validTo: (next.validTo as string | null) ?? null };
      const invalid = validityRefusal(card);
      if (invalid) throw unprocessable(invalid);
      await rc.lock(`rate-card:${text(next.channelId)}:${text(next.daypartId)}:${Number(next.spotLength)}`);
      const others = (
        await rc.plainRows('rate_cards', { channelId: text(next.channelId), daypartId: text(next.daypartId), spotLength: Number(next.spotLength) })
      ).map((o) => ({ id: text(o.id), price: Number(o.price), validFrom: text(o.validFrom), validTo: (o.validTo as string | null) ?? null }));
      const clash = overlappingRateCard(card, others);
      if (clash) {
        throw conflict(
          `a rate card for this daypart and ${Number(next.spotLength)} s spots already applies from ${clash.validFrom} to ${clash.validTo ?? 'open end'} (${clash.id}); end it first`,
        );
      }
    },
  });
}
