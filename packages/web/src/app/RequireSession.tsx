import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ErrorNotice } from '../components/ErrorNotice';
import { Loading } from '../components/Loading';
import { useMe } from './session';

/**
 * The signed-in part of the app. Nobody signed in → the sign-in page, which brings the person back
 * here afterwards (`next`, and the fragment single sign-on returns with); a session that has yet to
 * enrol its second factor (or change a one-time password) → the first-sign-in steps.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const location = useLocation();
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorNotice error={me.error} />;
  const here = `${location.pathname}${location.search}`;
  if (!me.data) return <Navigate to={`/sign-in?next=${encodeURIComponent(here)}${location.hash}`} replace />;
  if (me.data.session?.kind === 'restricted' || !me.data.mfaEnrolled) return <Navigate to={`/welcome?next=${encodeURIComponent(here)}`} replace />;
  return <>{children}</>;
}
