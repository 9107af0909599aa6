import { createBrowserRouter, Outlet } from 'react-router';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { NotFound } from '../components/NotFound';
import { features } from './features';
import { Layout } from './Layout';
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

/** Public routes (sign-in, enrolment, reset) and the signed-in layout with every feature's pages. */
export const router = createBrowserRouter([
  {
    element: <Root />,
    children: [
      ...features.flatMap((feature) => feature.publicRoutes ?? []),
      {
        element: (
          <RequireSession>
            <Layout />
          </RequireSession>
        ),
        children: [...features.flatMap((feature) => feature.routes ?? []), { path: '*', element: <NotFound /> }],
      },
    ],
  },
]);
