import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";

interface Health {
  status: string;
  checks: { name: string; ok: boolean; detail: string }[];
}

export function DashboardPage() {
  const health = useQuery({ queryKey: ["health"], queryFn: () => api<Health>("/v1/health") });
  return (
    <section>
      <h1>Dashboard</h1>
      <h2>System status</h2>
      {health.isPending && <p>Checking…</p>}
      {health.isError && <p role="alert">The API is not reachable: {health.error.message}</p>}
      {health.data && (
        <ul className="checks" aria-label="Dependency checks">
          {health.data.checks.map((check) => (
            <li key={check.name} data-ok={check.ok}>
              {check.name}: {check.ok ? "reachable" : `unreachable (${check.detail})`}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
