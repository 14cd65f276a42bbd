import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "react-router-dom";
import { api } from "../api/client";
import { signOut, type InvitationPreview, type Workspace } from "../api/people";
import { enterWorkspace, useMe, useSignedIn } from "../auth/session";

/** Where an invitation email's link leads: see the offer, sign in or up, accept. */
export function InvitationPage() {
  const { token = "" } = useParams();
  const signedIn = useSignedIn();
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const preview = useQuery({
    queryKey: ["invitation", token],
    queryFn: () => api<InvitationPreview>(`/v1/invitations/${encodeURIComponent(token)}`),
  });
  const accept = useMutation({
    mutationFn: () => api<Workspace>(`/v1/invitations/${encodeURIComponent(token)}/accept`, { method: "POST" }),
    onSuccess: async (workspace) => {
      await enterWorkspace(queryClient, workspace);
      navigate("/dashboard");
    },
  });
  const here = `/invitations/${token}`;
  const invitation = preview.data;
  const query = invitation ? `next=${encodeURIComponent(here)}&email=${encodeURIComponent(invitation.email)}` : "";
  return (
    <main className="auth-page" id="main">
      <section className="auth-card" aria-labelledby="invitation-title">
        <p className="brand">Schedulo</p>
        <h1 id="invitation-title">Invitation</h1>
        {preview.isPending && <p>Loading the invitation…</p>}
        {preview.isError && (
          <p role="alert">This invitation link is not valid. Ask the person who invited you for a new one.</p>
        )}
        {invitation && (
          <>
            <p>
              {invitation.invited_by_name} invited <strong>{invitation.email}</strong> to join{" "}
              <strong>{invitation.workspace_name}</strong> as {invitation.role}.
            </p>
            {invitation.status !== "pending" ? (
              <p role="alert">This invitation is {invitation.status}.</p>
            ) : signedIn ? (
              <>
                {me.data && me.data.user.email !== invitation.email && (
                  <div>
                    <p className="form-error">
                      You are signed in as {me.data.user.email}; the invitation is for {invitation.email}.
                    </p>
                    <button
                      type="button"
                      onClick={() =>
                        void signOut()
                          .catch(() => undefined)
                          .then(() => queryClient.removeQueries({ queryKey: ["me"] }))
                      }
                    >
                      Sign out to use {invitation.email}
                    </button>
                  </div>
                )}
                {accept.isError && (
                  <p role="alert" className="form-error">
                    {accept.error.message}
                  </p>
                )}
                <button type="button" className="primary" onClick={() => accept.mutate()} disabled={accept.isPending}>
                  {accept.isPending ? "Joining…" : "Accept invitation"}
                </button>
              </>
            ) : (
              <p>
                <Link to={`/signup?${query}`}>Create an account</Link> or <Link to={`/login?${query}`}>sign in</Link>{" "}
                as {invitation.email} to accept.
              </p>
            )}
          </>
        )}
      </section>
    </main>
  );
}
