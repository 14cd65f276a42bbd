// GET /v1/networks: every supported network with its capabilities and limits.
import { useQuery } from "@tanstack/react-query";
import { networkLabel } from "../components/NetworkIcon";
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

/** A network's name as /v1/networks gives it ("LinkedIn", "Facebook Pages"), by id. */
export function useNetworkName(): (id: string) => string {
  const networks = useNetworks();
  return (id: string) => networks.data?.find((n) => n.id === id)?.name ?? networkLabel(id);
}
