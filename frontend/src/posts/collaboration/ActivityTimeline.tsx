import { useQuery } from "@tanstack/react-query";
import { collaborationKeys, describeEvent, getTimeline } from "./api";
import { When } from "./bits";

/** What happened to the post, oldest first. */
export function ActivityTimeline({ workspaceId, postId }: { workspaceId: string; postId: string }) {
  const timeline = useQuery({
    queryKey: collaborationKeys.timeline(workspaceId, postId),
    queryFn: () => getTimeline(workspaceId, postId),
    refetchInterval: 20_000,
  });
  if (timeline.isPending) return <p className="muted">Loading the activity…</p>;
  if (timeline.isError) return <p role="alert">Could not load the activity: {timeline.error.message}</p>;
  const items = timeline.data.items;
  if (!items.length) return <p className="muted">Nothing has happened to this post yet.</p>;
  return (
    <ol className="timeline" aria-label="Activity">
      {items.map((event) => {
        const comment = typeof event.details.comment === "string" ? event.details.comment : null;
        return (
          <li key={event.id} className={`timeline-event event-${event.kind}`}>
            <span className="timeline-dot" aria-hidden="true" />
            <div>
              <p>
                <strong>{event.actor?.name ?? "Schedulo"}</strong> {describeEvent(event)}
                {typeof event.details.url === "string" && event.kind === "published" && (
                  <>
                    {" "}
                    · <a href={event.details.url} target="_blank" rel="noreferrer">view</a>
                  </>
                )}
              </p>
              {comment && <blockquote className="timeline-comment">{comment}</blockquote>}
              <When at={event.at} />
            </div>
          </li>
        );
      })}
    </ol>
  );
}
