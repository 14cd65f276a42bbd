import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { FormError } from "../components/Field";
import "./identity.css";

interface Providers {
  providers?: string[];
}

/**
 * "Continue with Google" (OpenID Connect): the API keeps the state, nonce and PKCE
 * verifier and ties the sign-in to this browser with a cookie; Google sends the browser
 * back to the API, which sets the session cookie and returns here at `next`.
 * Shown only when the deployment has Google sign-in set up.
 */
export function GoogleSignIn({ next }: { next: string }) {
  const providers = useQuery({
    queryKey: ["sign-in-providers"],
    queryFn: () => api<Providers>("/v1/auth/oidc"),
    staleTime: Infinity,
    retry: false,
  });
  const start = useMutation({
    mutationFn: () => api<{ authorize_url: string }>("/v1/auth/oidc/google/start", { method: "POST", body: { redirect_to: next } }),
    onSuccess: (reply) => window.location.assign(reply.authorize_url),
  });
  if (!Array.isArray(providers.data?.providers) || !providers.data.providers.includes("google")) return null;
  return (
    <div className="federated-sign-in">
      <button type="button" className="google-button" onClick={() => start.mutate()} disabled={start.isPending || start.isSuccess}>
        <svg aria-hidden="true" width="18" height="18" viewBox="0 0 48 48">
          <path fill="#EA4335" d="M24 9.5c3.5 0 6.6 1.2 9.1 3.6l6.8-6.8C35.8 2.4 30.3 0 24 0 14.6 0 6.6 5.4 2.7 13.3l7.9 6.1C12.5 13.6 17.8 9.5 24 9.5z" />
          <path fill="#4285F4" d="M46.1 24.5c0-1.6-.1-3.1-.4-4.5H24v9h12.4c-.5 2.9-2.2 5.3-4.6 6.9l7.4 5.7c4.3-4 6.9-9.9 6.9-17.1z" />
          <path fill="#FBBC05" d="M10.6 28.6c-.5-1.4-.8-3-.8-4.6s.3-3.2.8-4.6l-7.9-6.1C1 16.6 0 20.2 0 24s1 7.4 2.7 10.7l7.9-6.1z" />
          <path fill="#34A853" d="M24 48c6.5 0 11.9-2.1 15.9-5.8l-7.4-5.7c-2.1 1.4-4.8 2.3-8.5 2.3-6.2 0-11.5-4.1-13.4-9.8l-7.9 6.1C6.6 42.6 14.6 48 24 48z" />
        </svg>
        {start.isPending || start.isSuccess ? "Opening Google…" : "Continue with Google"}
      </button>
      <FormError error={start.error} fields={[]} />
      <p className="divider" aria-hidden="true">or</p>
    </div>
  );
}
