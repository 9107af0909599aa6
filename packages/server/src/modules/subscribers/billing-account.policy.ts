/** Billing accounts: cancelled is final, and an account is cancelled only once its subscriptions are. Pure. */
export function billingStatusRefusal(from: string | null, to: string, openSubscriptions: number): string | null {
  if (from === 'cancelled')
    return to === 'cancelled'
      ? 'the billing account is cancelled (final): it cannot change'
      : `the billing account is cancelled (final): it cannot become ${to}`;
  if (to === 'cancelled' && from !== 'cancelled' && openSubscriptions > 0)
    return `the billing account has ${openSubscriptions} subscription(s) not cancelled: cancel them first`;
  return null;
}
