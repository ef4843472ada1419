import { SetupPage } from './auth/SetupPage';
import { lazy, Suspense, type ReactNode } from 'react';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { ticketPath, hasRole } from '@deskmate/shared';
import { isStatus } from './api/errors';
import { AcceptInvitePage, ForgotPasswordPage, ResetPasswordPage } from './auth/PasswordPages';
import { LoginPage } from './auth/LoginPage';
import { homeFor, reportUnauthenticated, SessionProvider, useSession } from './auth/session';
import { AppShell } from './layout/AppShell';
import { NotificationsPage } from './layout/NotificationsPage';
import { Loading } from './ui/bits';
import { ToastProvider } from './ui/Toasts';
import { QueuePage } from './workspace/QueuePage';
import { NewTicketPage } from './workspace/NewTicketPage';
import { TicketPage } from './workspace/TicketPage';

// Admin, reports, the portal and the account page are separate chunks: the agent workspace
// loads none of their code (nor the charting library) until they are opened.
const AdminRoutes = lazy(() => import('./admin/AdminRoutes'));
const ReportsPage = lazy(() => import('./reports/ReportsPage'));
const PortalRoutes = lazy(() => import('./portal/PortalRoutes'));
const AccountPage = lazy(() => import('./account/AccountPage'));
const FileLinkPage = lazy(() => import('./attachments/FileLinkPage'));

const onError = (error: unknown) => {
  if (isStatus(error, 401)) reportUnauthenticated();
};

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      retry: (count, error) =>
        count < 2 && !(error instanceof Error && 'status' in error && Number(error.status) < 500),
      refetchOnWindowFocus: true,
    },
  },
});

function Splash() {
  return (
    <main id="main" className="splash">
      <Loading label="Opening Deskmate…" />
    </main>
  );
}

/** A console address a requester opened: their view of the same ticket, else the portal's home. */
function portalPathFor(pathname: string): string {
  const ticket = /^\/tickets\/([^/]+)\/?$/.exec(pathname);
  return ticket ? ticketPath(decodeURIComponent(ticket[1]!), false) : '/portal';
}

/**
 * Routes behind sign-in: a link opened while signed out (from an email, a chat, the terminal) or
 * an expired session goes to the sign-in form and comes back after.
 */
function RequireSession({ children, role }: { children: ReactNode; role?: 'agent' | 'admin' }) {
  const { session } = useSession();
  const location = useLocation();
  if (session.status === 'loading') return <Splash />;
  if (session.status === 'signed-out') {
    // After signing out on purpose, start afresh (the next person at this computer lands on their home).
    if (session.left) return <Navigate to="/login" replace />;
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  if (role && !hasRole(session.user, role)) {
    // The page's required role is declared on the route (like the API's route table): a requester
    // sent to a console page lands on its portal counterpart; anyone else short of it, at home.
    const to = role === 'agent' ? portalPathFor(location.pathname) : homeFor(session.user);
    return <Navigate to={to} replace />;
  }
  return children;
}

function Home() {
  const { session } = useSession();
  if (session.status === 'loading') return <Splash />;
  if (session.status === 'signed-out') return <Navigate to="/login" replace />;
  return <Navigate to={homeFor(session.user)} replace />;
}

function NotFound() {
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        This address does not exist. <a href="/">Go to the start page</a>.
      </p>
    </div>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <BrowserRouter>
          <SessionProvider>
            <Suspense fallback={<Splash />}>
              <Routes>
                <Route path="/" element={<Home />} />
                <Route path="/login" element={<LoginPage />} />
                <Route path="/forgot-password" element={<ForgotPasswordPage />} />
                <Route path="/reset-password" element={<ResetPasswordPage />} />
                <Route path="/accept-invite" element={<AcceptInvitePage />} />
                <Route path="/setup" element={<SetupPage />} />
                <Route path="/files/:key/:id" element={<FileLinkPage />} />
                <Route
                  path="/portal/*"
                  element={
                    <RequireSession>
                      <PortalRoutes />
                    </RequireSession>
                  }
                />
                <Route
                  element={
                    <RequireSession role="agent">
                      <AppShell />
                    </RequireSession>
                  }
                >
                  <Route path="/queue/:queueId" element={<QueuePage />} />
                  <Route path="/tickets/new" element={<NewTicketPage />} />
                  <Route path="/tickets/:key" element={<TicketPage />} />
                  <Route path="/notifications" element={<NotificationsPage />} />
                  <Route path="/account" element={<AccountPage />} />
                  <Route path="/reports" element={<ReportsPage />} />
                  <Route
                    path="/admin/*"
                    element={
                      <RequireSession role="admin">
                        <AdminRoutes />
                      </RequireSession>
                    }
                  />
                  <Route path="*" element={<NotFound />} />
                </Route>
              </Routes>
            </Suspense>
          </SessionProvider>
        </BrowserRouter>
      </ToastProvider>
    </QueryClientProvider>
  );
}
