import { lazy, Suspense, type ComponentType, type ReactNode } from "react";
import { Navigate, Route, Routes } from "react-router-dom";
import { RequireAuth } from "./auth/RequireAuth";
import { Layout } from "./components/Layout";
import { SettingsLayout } from "./components/SettingsLayout";

// Every page is its own chunk: the first page loads only the shell and itself.
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(async () => ({ default: (await load())[name] }));
}

const AccountSettingsPage = page(() => import("./pages/AccountSettingsPage"), "AccountSettingsPage");
const AccountsPage = page(() => import("./pages/AccountsPage"), "AccountsPage");
const AnalyticsPage = page(() => import("./analytics/AnalyticsPage"), "AnalyticsPage");
const ApiKeysPage = page(() => import("./pages/ApiKeysPage"), "ApiKeysPage");
const ApprovalPolicyPage = page(() => import("./pages/ApprovalPolicyPage"), "ApprovalPolicyPage");
const ApprovalsPage = page(() => import("./pages/ApprovalsPage"), "ApprovalsPage");
const AuditPage = page(() => import("./pages/AuditPage"), "AuditPage");
const BillingPage = page(() => import("./billing/BillingPage"), "BillingPage");
const BulkPage = page(() => import("./pages/BulkPage"), "BulkPage");
const ForgotPasswordPage = page(() => import("./pages/ForgotPasswordPage"), "ForgotPasswordPage");
const ResetPasswordPage = page(() => import("./pages/ResetPasswordPage"), "ResetPasswordPage");
const VerifyEmailPage = page(() => import("./pages/VerifyEmailPage"), "VerifyEmailPage");
const ConfirmEmailPage = page(() => import("./pages/ConfirmEmailPage"), "ConfirmEmailPage");
const DashboardPage = page(() => import("./pages/DashboardPage"), "DashboardPage");
const InvitationPage = page(() => import("./pages/InvitationPage"), "InvitationPage");
const LibraryPage = page(() => import("./pages/LibraryPage"), "LibraryPage");
const LoginPage = page(() => import("./pages/LoginPage"), "LoginPage");
const MediaLibraryPage = page(() => import("./pages/MediaLibraryPage"), "MediaLibraryPage");
const MembersPage = page(() => import("./pages/MembersPage"), "MembersPage");
const NewWorkspacePage = page(() => import("./pages/NewWorkspacePage"), "NewWorkspacePage");
const NotFoundPage = page(() => import("./pages/NotFoundPage"), "NotFoundPage");
const OperatorsPage = page(() => import("./pages/OperatorsPage"), "OperatorsPage");
const NotificationPreferencesPage = page(() => import("./notifications/NotificationPreferencesPage"), "NotificationPreferencesPage");
const UnsubscribePage = page(() => import("./notifications/UnsubscribePage"), "UnsubscribePage");
const NotificationsPage = page(() => import("./pages/NotificationsPage"), "NotificationsPage");
const PostPage = page(() => import("./pages/PostPage"), "PostPage");
const PostsPage = page(() => import("./pages/PostsPage"), "PostsPage");
const PlansPage = page(() => import("./plans/PlansPage"), "PlansPage");
const SignupPage = page(() => import("./pages/SignupPage"), "SignupPage");
const WebhooksPage = page(() => import("./pages/WebhooksPage"), "WebhooksPage");
const WorkspaceSettingsPage = page(() => import("./pages/WorkspaceSettingsPage"), "WorkspaceSettingsPage");
const CalendarPage = page(() => import("./posts/CalendarPage"), "CalendarPage");
const ComposerPage = page(() => import("./posts/ComposerPage"), "ComposerPage");
const QueuePage = page(() => import("./posts/QueuePage"), "QueuePage");
const ReviewPage = page(() => import("./pages/ReviewPage"), "ReviewPage");

function Loading({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <p role="status" aria-live="polite">
          Loading…
        </p>
      }
    >
      {children}
    </Suspense>
  );
}

export function App() {
  return (
    <Loading>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/signup" element={<SignupPage />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/reset-password" element={<ResetPasswordPage />} />
        <Route path="/verify-email" element={<VerifyEmailPage />} />
        <Route path="/confirm-email" element={<ConfirmEmailPage />} />
        <Route path="/unsubscribe" element={<UnsubscribePage />} />
        <Route path="/invitations/:token" element={<InvitationPage />} />
        <Route path="/review/:token" element={<ReviewPage />} />
        <Route
          element={
            <RequireAuth>
              <Layout />
            </RequireAuth>
          }
        >
          <Route index element={<Navigate to="/dashboard" replace />} />
          <Route path="/dashboard" element={<DashboardPage />} />
          <Route path="/calendar" element={<CalendarPage />} />
          <Route path="/compose" element={<ComposerPage />} />
          <Route path="/queue" element={<QueuePage />} />
          <Route path="/analytics" element={<AnalyticsPage />} />
          <Route path="/approvals" element={<ApprovalsPage />} />
          <Route path="/bulk" element={<BulkPage />} />
          <Route path="/plans" element={<PlansPage />} />
          <Route path="/media" element={<MediaLibraryPage />} />
          <Route path="/library" element={<LibraryPage />} />
          <Route path="/accounts" element={<AccountsPage />} />
          <Route path="/notifications" element={<NotificationsPage />} />
          <Route path="/posts" element={<PostsPage />} />
          <Route path="/posts/:postId" element={<PostPage />} />
          <Route path="/posts/:postId/edit" element={<ComposerPage />} />
          <Route path="/workspaces/new" element={<NewWorkspacePage />} />
          <Route path="/operators" element={<OperatorsPage />} />
          <Route path="/operators/:workspaceId" element={<OperatorsPage />} />
          <Route path="/settings" element={<SettingsLayout />}>
            <Route index element={<Navigate to="/settings/workspace" replace />} />
            <Route path="account" element={<AccountSettingsPage />} />
            <Route path="notifications" element={<NotificationPreferencesPage />} />
            <Route path="members" element={<MembersPage />} />
            <Route path="api-keys" element={<ApiKeysPage />} />
            <Route path="webhooks" element={<WebhooksPage />} />
            <Route path="approvals" element={<ApprovalPolicyPage />} />
            <Route path="workspace" element={<WorkspaceSettingsPage />} />
            <Route path="activity" element={<AuditPage />} />
            <Route path="billing" element={<BillingPage />} />
          </Route>
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Loading>
  );
}
