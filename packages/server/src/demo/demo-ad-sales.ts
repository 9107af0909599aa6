import { noRequest } from '../platform/audit/audit-event.js';
import type { DemoStep } from './demo-context.js';

/** Two channels: a TV channel (the 19:00–21:00 cap applies) and a radio frequency. */
export const demoChannels: DemoStep = {
  name: 'channels',
  async run(ctx) {
    const ids = await ctx.store.createMany(ctx.staff.salesManager, noRequest, 'channels', [
      { code: 'DEMO-TV1', name: '东方综合频道 Eastern TV 1', kind: 'tv' },
      { code: 'FM101.8', name: '都市之声 City FM 101.8', kind: 'radio' },
    ]);
    ctx.made.set('channels', ids);
    return ids.length;
  },
};
