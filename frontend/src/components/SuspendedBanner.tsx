import { QueryClientContext } from "@tanstack/react-query";
import { useContext } from "react";
import { useWorkspace } from "../auth/session";
import "../operators/operators.css";

/** Says, on every page, that the workspace is suspended and why (nothing publishes).
 * Renders nothing where there is no query client (the shell rendered alone in tests). */
export function SuspendedBanner() {
  return useContext(QueryClientContext) ? <Banner /> : null;
}

function Banner() {
  const { workspace } = useWorkspace();
  const suspended = workspace?.suspended;
  if (!workspace || !suspended) return null;
  const since = new Date(suspended.at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  return (
    <div className="suspended-banner" role="alert">
      <div>
        <strong>{workspace.name} is suspended.</strong>
        <span>
          Reason: {suspended.reason}. Nothing is published, and posts cannot be created or changed, until Schedulo support
          lifts it (since {since}). Contact Schedulo support to sort it out.
        </span>
      </div>
    </div>
  );
}
