import { createBrowserRouter, Outlet, type RouteObject } from 'react-router';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { NotFound } from '../components/NotFound';
import { PageLoadError } from '../components/PageLoadError';
import { features } from './features';
import { Layout } from './Layout';
import { withRetry } from './load-with-retry';
import { RequireSession } from './RequireSession';
import { StepUpPrompt } from './step-up/StepUpPrompt';

function Root() {
  return (
    <>
      <ConnectionBanner />
      <StepUpPrompt />
      <Outlet />
    </>
  );
}

/** Each page's code is fetched again after a failed load (a dropped connection), before the error page shows. */
const retried = (routes: RouteObject[]): RouteObject[] =>
  routes.map((route) => {
    const lazy = typeof route.lazy === 'function' ? withRetry(route.lazy) : route.lazy;
    return { ...route, lazy, children: route.children ? retried(route.children) : undefined } as RouteObject;
  });

/**
 * Public routes (sign-in, enrolment, reset) and the signed-in layout with every feature's pages. A page
 * that cannot load shows PageLoadError inside the layout (the menu stays usable).
 */
export const router = createBrowserRouter([
  {
    element: <Root />,
    errorElement: <PageLoadError />,
    children: [
      ...retried(features.flatMap((feature) => feature.publicRoutes ?? [])),
      {
        element: (
          <RequireSession>
            <Layout />
          </RequireSession>
        ),
        children: [
          {
            errorElement: <PageLoadError />,
            children: [...retried(features.flatMap((feature) => feature.routes ?? [])), { path: '*', element: <NotFound /> }],
          },
        ],
      },
    ],
  },
]);
