import { noRequest } from '../platform/audit/audit-event.js';
import type { RecordValues } from '../platform/data/protected-store.js';
import { addDays, count, type DemoStep, isoDate, madeOf, pick } from './demo-context.js';

/** Fictional titles (zh / en, kind, episodes × minutes). */
const catalogue: [string, string, 'film' | 'series' | 'documentary' | 'variety' | 'animation', number, number][] = [
  ['山城往事', 'Mountain City Days', 'series', 36, 45],
  ['江南雨巷', 'Rain Lane of Jiangnan', 'series', 40, 45],
  ['星海归途', 'Home Across the Star Sea', 'film', 1, 128],
  ['长河落日', 'Sunset over the Long River', 'series', 30, 45],
  ['青山不老', 'The Green Hills Stay Young', 'documentary', 6, 50],
  ['灯火人家', 'Lamplit Homes', 'series', 42, 45],
  ['大漠孤烟', 'Lone Smoke in the Desert', 'film', 1, 116],
  ['少年行', 'Ride of the Young', 'series', 24, 45],
  ['我们的歌', 'Songs of Ours', 'variety', 12, 90],
  ['小龙阿宝', 'Little Dragon Abao', 'animation', 52, 22],
  ['海上花开', 'Blossoms on the Sea', 'series', 38, 45],
  ['丝路回响', 'Echoes of the Silk Road', 'documentary', 8, 50],
  ['雪国列车长', 'Conductor of the Snow Train', 'film', 1, 102],
  ['烟火人间', 'Fireworks of Daily Life', 'series', 32, 45],
  ['奔跑吧少年', 'Run, Youngsters', 'variety', 12, 90],
  ['山海守望者', 'Keepers of Mountain and Sea', 'series', 28, 45],
  ['熊猫邮递员', 'Panda Postman', 'animation', 26, 13],
  ['风起长安', "Wind over Chang'an", 'series', 45, 45],
  ['归乡记', 'The Road Home', 'film', 1, 110],
  ['舌尖上的年味', 'The Taste of New Year', 'documentary', 5, 50],
];
const genres = ['都市 Urban', '古装 Costume', '悬疑 Suspense', '家庭 Family', '科幻 Sci-fi', '纪实 Factual', '喜剧 Comedy'];

/**
 * Titles with the rights held in them and licences sold, with payment schedules: exclusive rights
 * for Greater China (TV and streaming), non-exclusive overseas streaming; an exclusive mainland
 * streaming licence signed and half paid, a first-run satellite licence in draft, a non-exclusive
 * overseas licence with a royalty, and now and then a cancelled deal. Written one by one through
 * the store, so every licence passes the conflict and coverage rules.
 */
export const demoLicensing: DemoStep = {
  name: 'titles, rights and licences',
  async run(ctx) {
    const licensors = madeOf(ctx, 'licensors');
    const licensees = madeOf(ctx, 'licensees');
    const who = ctx.staff.licensingManager;
    const create = async (object: 'titles' | 'rights' | 'licenses' | 'license_payments', values: RecordValues) =>
      String((await ctx.store.create(who, noRequest, object, values)).id);
    const day = (offset: number) => isoDate(addDays(ctx.now, offset));
    let records = 0;
    const titles: string[] = [];
    for (let i = 0; i < count(ctx, catalogue.length); i++) {
      const [zh, en, kind, episodes, minutes] = catalogue[i % catalogue.length] as (typeof catalogue)[number];
      const year = 2018 + (i % 8);
      const title = await create('titles', {
        titleZh: zh,
        titleEn: en,
        kind,
        genre: pick(ctx.zh, genres),
        episodes,
        minutesPerEpisode: minutes,
        year,
        ...(kind === 'film'
          ? { screeningLicenceNo: `电审故字[${year}]第${String(100 + i).padStart(3, '0')}号` }
          : { distributionLicenceNo: `(沪)剧审字(${year})第${String(10 + i).padStart(3, '0')}号` }),
        producerAccountId: pick(ctx.en, licensors),
      });
      titles.push(title);
      const licensor = pick(ctx.en, licensors);
      const held = { titleId: title, licensorAccountId: licensor, windowStart: day(-365), windowEnd: day(3 * 365) };
      await create('rights', {
        ...held,
        contractNumber: `RI-${year}-${String(i + 1).padStart(3, '0')}`,
        territories: 'GREATER-CHINA',
        media: 'free_tv,satellite_tv,svod,avod',
        exclusive: true,
      });
      await create('rights', {
        ...held,
        contractNumber: `RI-${year}-${String(i + 1).padStart(3, '0')}-OS`,
        territories: 'OVERSEAS',
        media: 'svod,tvod',
        exclusive: false,
      });
      const fee = ctx.zh.number.int({ min: 50, max: 800 }) * 100_000_00;
      const deal = (n: number, values: RecordValues) =>
        create('licenses', {
          titleId: title,
          licenseeAccountId: pick(ctx.zh, licensees),
          contractNumber: `LIC-${ctx.now.getUTCFullYear()}-${String(i + 1).padStart(3, '0')}-${n}`,
          ...values,
        });
      const streaming = await deal(1, {
        territories: 'CN',
        media: 'svod',
        windowStart: day(-180),
        windowEnd: day(365),
        exclusive: true,
        feeFen: fee,
        status: 'signed',
      });
      await create('license_payments', { licenseId: streaming, kind: 'minimum_guarantee', dueDate: day(-150), amountFen: (fee / 10) * 3, paidOn: day(-148) });
      await create('license_payments', { licenseId: streaming, kind: 'instalment', dueDate: day(-10), amountFen: (fee / 10) * 4 });
      await create('license_payments', { licenseId: streaming, kind: 'instalment', dueDate: day(90), amountFen: (fee / 10) * 3 });
      await deal(2, { territories: 'CN', media: 'satellite_tv', windowStart: day(30), windowEnd: day(730), exclusive: true, runs: 2, feeFen: fee / 2 });
      const overseas = await deal(3, {
        territories: 'SEA,HK',
        media: 'svod',
        windowStart: day(-30),
        windowEnd: day(700),
        feeFen: fee / 5,
        status: 'signed',
        currency: 'USD',
      });
      await create('license_payments', { licenseId: overseas, kind: 'royalty', dueDate: day(30), amountFen: fee / 20 });
      records += 11;
      if (i % 4 === 3) {
        const dropped = await deal(4, { territories: 'TW', media: 'free_tv', windowStart: day(60), windowEnd: day(400), exclusive: true, feeFen: fee / 4 });
        await ctx.store.update(who, noRequest, 'licenses', dropped, { status: 'cancelled' });
        records += 1;
      }
    }
    ctx.made.set('titles', titles);
    return records;
  },
};
