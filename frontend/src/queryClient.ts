import { MutationCache, QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api/client";
import { errorLink, errorMessage, showError } from "./components/Toasts";

/** The app's one cache. A failed mutation shows the API's message as a toast, unless the
 * mutation says (meta.toast = false) that its page shows the problem at the field itself. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        const link = errorLink(error);
        // A page showing problems at the field still gets the way to upgrade.
        if (mutation.meta?.toast === false && !link) return;
        showError(errorMessage(error), link);
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
    },
  });
}

/** Re-read `queryKey` after a change. An invalidation alone reuses a first load still in
 * flight (TanStack Query does not cancel a query that has no data yet), whose answer
 * predates the change; cancelling it first makes the new read start after the change. */
export async function reloadQuery(client: QueryClient, queryKey: readonly unknown[]): Promise<void> {
  await client.cancelQueries({ queryKey });
  await client.invalidateQueries({ queryKey });
}
