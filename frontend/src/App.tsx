import { Navigate, Route, Routes } from "react-router-dom";
import { RequireAuth } from "./auth/RequireAuth";
import { Layout } from "./components/Layout";
import { AccountsPage } from "./pages/AccountsPage";
import { ApiKeysPage } from "./pages/ApiKeysPage";
import { AuditPage } from "./pages/AuditPage";
import { DashboardPage } from "./pages/DashboardPage";
import { InvitationPage } from "./pages/InvitationPage";
import { LoginPage } from "./pages/LoginPage";
import { MediaLibraryPage } from "./pages/MediaLibraryPage";
import { MembersPage } from "./pages/MembersPage";
import { NewWorkspacePage } from "./pages/NewWorkspacePage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { PostPage } from "./pages/PostPage";
import { PostsPage } from "./pages/PostsPage";
import { CalendarPage } from "./posts/CalendarPage";
import { ComposerPage } from "./posts/ComposerPage";
import { SignupPage } from "./pages/SignupPage";
import { WorkspaceSettingsPage } from "./pages/WorkspaceSettingsPage";

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/signup" element={<SignupPage />} />
      <Route path="/invitations/:token" element={<InvitationPage />} />
      <Route
        element={
          <RequireAuth>
            <Layout />
          </RequireAuth>
        }
      >
        <Route index element={<Navigate to="/dashboard" replace />} />
        <Route path="/dashboard" element={<DashboardPage />} />
        <Route path="/media" element={<MediaLibraryPage />} />
        <Route path="/accounts" element={<AccountsPage />} />
        <Route path="/posts" element={<PostsPage />} />
        <Route path="/posts/:postId" element={<PostPage />} />
        <Route path="/workspaces/new" element={<NewWorkspacePage />} />
        <Route path="/settings/members" element={<MembersPage />} />
        <Route path="/settings/api-keys" element={<ApiKeysPage />} />
        <Route path="/settings/workspace" element={<WorkspaceSettingsPage />} />
        <Route path="/settings/activity" element={<AuditPage />} />
        <Route path="/compose" element={<ComposerPage />} />
        <Route path="/posts/:postId/edit" element={<ComposerPage />} />
        <Route path="/calendar" element={<CalendarPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
