// A published post's short links (Workspace settings, Link tracking: shorten) and how many
// clicks each network's link has had. Nothing shows for a post that went out without them.
import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { api } from "../api/client";
import { NetworkIcon, networkLabel } from "../components/NetworkIcon";
import type { Post } from "./api";
import "./shortLinks.css";

export interface ShortLink {
  code: string;
  url: string;
  target_url: string;
  network: string;
  clicks: number;
  created_at: string;
  last_clicked_at: string | null;
}

export function ShortLinkClicks({ workspaceId, post }: { workspaceId: string; post: Post }) {
  const id = useId();
  const published = post.targets.some((t) => t.status === "published");
  const links = useQuery({
    queryKey: ["short-links", workspaceId, post.id],
    queryFn: () => api<{ items: ShortLink[] }>(`/v1/workspaces/${workspaceId}/posts/${post.id}/short-links`),
    enabled: published,
    meta: { toast: false },
  });
  const items = links.data?.items ?? [];
  if (!published || items.length === 0) return null;
  return (
    <section className="short-links" aria-labelledby={id}>
      <h2 id={id}>Link clicks</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Network</th>
            <th scope="col">Short link</th>
            <th scope="col">Clicks</th>
          </tr>
        </thead>
        <tbody>
          {items.map((link) => (
            <tr key={link.code}>
              <td>
                <NetworkIcon network={link.network} /> {networkLabel(link.network)}
              </td>
              <td className="short-link-url">
                {/* Not a link: following it from here would count as a click. */}
                <code>{link.url}</code>
                <span className="muted"> leads to {link.target_url}</span>
              </td>
              <td>{link.clicks.toLocaleString("en-US")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
