import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";
import { useSession } from "./session";

/** Signed-out visitors go to /login, which sends them back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session === "checking") {
    return (
      <p role="status" aria-live="polite">
        Loading…
      </p>
    );
  }
  if (session === "signed-out") {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <>{children}</>;
}

/** Where to go after signing in: `?next=` when it is a path of this app. */
export function nextPath(search: URLSearchParams, fallback = "/dashboard"): string {
  const next = search.get("next");
  return next && next.startsWith("/") && !next.startsWith("//") ? next : fallback;
}
