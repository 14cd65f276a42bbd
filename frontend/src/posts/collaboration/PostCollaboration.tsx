import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { roleAllows, type Workspace } from "../../api/people";
import { useMe } from "../../auth/session";
import type { Post } from "../api";
import { ActivityTimeline } from "./ActivityTimeline";
import { collaborationKeys, listComments } from "./api";
import { CommentThread } from "./CommentThread";
import { VersionsPanel } from "./VersionsPanel";
import "./collaboration.css";

type Tab = "comments" | "activity" | "versions";

/** The post page's collaboration panel: the comment thread, the activity and the versions. */
export function PostCollaboration({ workspace, post, postKey }: { workspace: Workspace; post: Post; postKey: unknown[] }) {
  const [tab, setTab] = useState<Tab>("comments");
  const me = useMe();
  // The count on the tab shares the thread's query.
  const comments = useQuery({
    queryKey: collaborationKeys.comments(workspace.id, post.id),
    queryFn: () => listComments(workspace.id, post.id),
    refetchInterval: 20_000,
  });
  const count = comments.data?.items.length;
  const tabs: { id: Tab; label: string }[] = [
    { id: "comments", label: count ? `Comments (${count})` : "Comments" },
    { id: "activity", label: "Activity" },
    { id: "versions", label: "Versions" },
  ];
  return (
    <section className="collaboration" aria-label="Collaboration">
      <div className="tabs collab-tabs" role="tablist" aria-label="Collaboration">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`collab-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`collab-panel-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`collab-panel-${tab}`} aria-labelledby={`collab-tab-${tab}`} className="collab-panel">
        {tab === "comments" && <CommentThread
            workspaceId={workspace.id}
            postId={post.id}
            meId={me.data?.user.id}
            canModerate={roleAllows(workspace.role, "admin")}
          />}
        {tab === "activity" && <ActivityTimeline workspaceId={workspace.id} postId={post.id} />}
        {tab === "versions" && (
          <VersionsPanel
            workspaceId={workspace.id}
            post={post}
            canEdit={roleAllows(workspace.role, "editor")}
            postKey={postKey}
          />
        )}
      </div>
    </section>
  );
}
