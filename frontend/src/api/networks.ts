// GET /v1/networks: every supported network with its capabilities and limits.
import { useQuery } from "@tanstack/react-query";
import type { Network } from "../posts/api";
import { api } from "./client";

/** The networks, read once per page load: they change only with a deploy. */
export function useNetworks() {
  return useQuery({
    queryKey: ["networks"],
    queryFn: async () => (await api<{ items: Network[] }>("/v1/networks")).items,
    staleTime: Infinity,
  });
}
