// Says, on every page, that emails to the user's address stopped (SES reported it
// bouncing, or the user marked one as spam), and how to fix it.
import { QueryClientContext, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useContext } from "react";
import { Link } from "react-router-dom";
import { api } from "../api/client";
import type { EmailStatus } from "./api";
import "./notifications.css";

export function EmailBanner() {
  return useContext(QueryClientContext) ? <Banner /> : null;
}

function Banner() {
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: ["email-status"], queryFn: () => api<EmailStatus>("/v1/me/email-status"), staleTime: 300_000 });
  const resume = useMutation({
    mutationFn: () => api<EmailStatus>("/v1/me/email-status", { method: "DELETE" }),
    onSuccess: (data) => queryClient.setQueryData(["email-status"], data),
  });
  if (!status.data?.suppressed) return null;
  return (
    <div className="email-banner" role="alert">
      <strong>{status.data.message}</strong>
      <Link to="/settings/account">Update your address</Link>
      <button type="button" onClick={() => resume.mutate()} disabled={resume.isPending}>
        Email this address again
      </button>
    </div>
  );
}
