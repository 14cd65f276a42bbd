// The library, page by page (newest first), as one list.
import { useInfiniteQuery } from "@tanstack/react-query";
import { listMedia, type MediaFilter } from "./api";

export function useMediaList(workspaceId: string | undefined, filter: Omit<MediaFilter, "cursor"> = {}) {
  const query = useInfiniteQuery({
    queryKey: ["media", workspaceId, "list", filter],
    queryFn: ({ pageParam }) => listMedia(workspaceId!, { ...filter, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    enabled: Boolean(workspaceId),
  });
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  return { ...query, items };
}
