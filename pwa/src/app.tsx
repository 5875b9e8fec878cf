import { ErrorBoundary as LazyBoundary, lazy, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { useEffect } from 'preact/hooks';
import { authNeeded, currentUser } from './features/auth/session';
import { LoginPage, ReloginDialog } from './features/auth/Login';
import { RegisterPage } from './features/auth/Register';
import { ChangePasswordPage } from './features/auth/ChangePassword';
import { CaseDetail } from './features/cases/CaseDetail';
import { MyCases } from './features/cases/CaseList';
import { NotificationsPage } from './features/notifications/Notifications';
import { OutboxPage } from './features/outbox/OutboxPage';
import { ReportPage } from './features/report/Report';
import { Shell, UpdateBanner } from './ui/Shell';
import { ErrorBoundary } from './ui/ErrorBoundary';

// Staff views: residents never download them.
const RoundPage = lazy(() => import('./features/round/RoundPage'));
const QueuePage = lazy(() => import('./features/queue/QueuePage'));
const TasksPage = lazy(() => import('./features/tasks/TasksPage'));
const ReviewPage = lazy(() => import('./features/review/ReviewPage'));
const AssessmentPage = lazy(() => import('./features/assessment/AssessmentPage'));
const DemandPage = lazy(() => import('./features/demand/DemandPage'));
const SheetsPage = lazy(() => import('./features/sheets/SheetsPage'));
const UsersPage = lazy(() => import('./features/console/UsersPage'));
const OrgsPage = lazy(() => import('./features/console/OrgsPage'));
const ProvidersPage = lazy(() => import('./features/console/ProvidersPage'));
const AuditPage = lazy(() => import('./features/console/AuditPage'));
const DutiesPage = lazy(() => import('./features/console/DutiesPage'));
const CategoriesPage = lazy(() => import('./features/console/CategoriesPage'));
const SlaPage = lazy(() => import('./features/console/SlaPage'));
const CalendarPage = lazy(() => import('./features/console/CalendarPage'));
const ProfilePage = lazy(() => import('./features/auth/ProfilePage'));
const BoardPage = lazy(() => import('./features/board/BoardPage'));

function Home() {
  const role = currentUser.value?.role;
  if (role === 'resident') return <MyCases />;
  if (role === 'grid_worker') return <RoundPage />;
  if (role === 'party_reviewer') return <ReviewPage />;
  return <QueuePage />;
}

function ToHome() {
  const { route } = useLocation();
  useEffect(() => route('/', true), []);
  return null;
}

function CaseRoute({ id }: { id?: string; params?: Record<string, string> }) {
  return <CaseDetail key={id} id={id ?? ''} />;
}

function SignedIn() {
  const { path } = useLocation();
  const role = currentUser.value?.role;
  return (
    <Shell>
      {/* Inside the shell: the header (sync, sign-out) and the tabs stay usable. */}
      <ErrorBoundary resetKey={path}>
        <Router>
          <Route path="/" component={Home} />
          <Route path="/cases" component={MyCases} />
          <Route path="/cases/:id" component={CaseRoute} />
          <Route path="/report" component={ReportPage} />
          <Route path="/round" component={RoundPage} />
          <Route path="/queue" component={QueuePage} />
          <Route path="/tasks" component={TasksPage} />
          <Route path="/review" component={ReviewPage} />
          <Route path="/assessment" component={role === 'resident' ? ToHome : AssessmentPage} />
          <Route path="/demand" component={role === 'resident' || role === 'provider_staff' ? ToHome : DemandPage} />
          <Route path="/console/users" component={role === 'admin' ? UsersPage : ToHome} />
          <Route path="/console/orgs" component={role === 'admin' ? OrgsPage : ToHome} />
          <Route path="/console/providers" component={role === 'admin' ? ProvidersPage : ToHome} />
          <Route path="/console/audit" component={role === 'admin' ? AuditPage : ToHome} />
          <Route path="/console/duties" component={role === 'admin' ? DutiesPage : ToHome} />
          <Route path="/console/categories" component={role === 'admin' ? CategoriesPage : ToHome} />
          <Route path="/console/sla" component={role === 'admin' ? SlaPage : ToHome} />
          <Route path="/console/calendar" component={role === 'admin' ? CalendarPage : ToHome} />
          <Route path="/console/sheets" component={role === 'admin' ? SheetsPage : ToHome} />
          <Route path="/outbox" component={OutboxPage} />
          <Route path="/notifications" component={NotificationsPage} />
          <Route path="/profile" component={ProfilePage} />
          <Route path="/board" component={role === 'resident' ? BoardPage : ToHome} />
          <Route default component={ToHome} />
        </Router>
      </ErrorBoundary>
      {authNeeded.value && <ReloginDialog />}
    </Shell>
  );
}

function SignedOut() {
  return (
    <Router>
      <Route path="/register" component={RegisterPage} />
      <Route default component={LoginPage} />
    </Router>
  );
}

export function App() {
  return (
    <LocationProvider>
      <UpdateBanner />
      <ErrorBoundary>
        {/* preact-iso's boundary waits for lazy views; render errors go to ours around it. */}
        <LazyBoundary>
          {!currentUser.value ? (
            <SignedOut />
          ) : currentUser.value.must_change_password ? (
            <ChangePasswordPage />
          ) : (
            <SignedIn key={String(currentUser.value.id)} />
          )}
        </LazyBoundary>
      </ErrorBoundary>
    </LocationProvider>
  );
}
