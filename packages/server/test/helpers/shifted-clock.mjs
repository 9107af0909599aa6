/**
 * Preloaded into a CLI child (NODE_OPTIONS=--import=<this file>) to run it as if it were
 * TEST_CLOCK_SHIFT_DAYS days later: `new Date()` and `Date.now()` move, nothing else changes.
 * Lets an end-to-end test run `castellan audit archive` on events that are "older than the
 * retention period" without waiting six months. Test-only; the product never loads it.
 */
const days = Number(process.env.TEST_CLOCK_SHIFT_DAYS ?? 0);
if (Number.isFinite(days) && days !== 0) {
  const offset = days * 86_400_000;
  const RealDate = globalThis.Date;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate;
}
