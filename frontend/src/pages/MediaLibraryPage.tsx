// The media library: upload by drag and drop (straight to S3, with progress), import by
// URL, search by tag, and each file's alt text, tags, focal point and crops.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { roleAllows, type Workspace } from "../api/people";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { Field, FormError } from "../components/Field";
import { importMedia, type MediaKind } from "../media/api";
import { DropZone } from "../media/DropZone";
import { LoadMore } from "../media/LoadMore";
import { MediaCard } from "../media/MediaCard";
import { MediaDetails } from "../media/MediaDetails";
import { UploadList } from "../media/UploadList";
import { useMediaList } from "../media/useMediaList";
import { useUploads } from "../media/useUploads";
import "../media/media.css";

function ImportForm({ workspaceId }: { workspaceId: string }) {
  const [url, setUrl] = useState("");
  const queryClient = useQueryClient();
  const run = useMutation({
    mutationFn: () => importMedia(workspaceId, url.trim()),
    onSuccess: () => {
      setUrl("");
      void queryClient.invalidateQueries({ queryKey: ["media", workspaceId] });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    run.mutate();
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Import from a URL">
      <Field
        label="Import from a URL"
        name="url"
        type="url"
        required
        value={url}
        error={run.error}
        placeholder="https://example.com/photo.jpg"
        onChange={(e) => setUrl(e.target.value)}
      />
      <button type="submit" disabled={run.isPending}>
        {run.isPending ? "Importing…" : "Import"}
      </button>
      <FormError error={run.error} fields={["url"]} />
    </form>
  );
}

export function MediaLibraryPage() {
  return <WorkspaceGate>{(workspace) => <MediaLibrary key={workspace.id} workspace={workspace} />}</WorkspaceGate>;
}

function MediaLibrary({ workspace }: { workspace: Workspace }) {
  const workspaceId = workspace.id;
  const canEdit = roleAllows(workspace.role, "editor");
  const [tag, setTag] = useState("");
  const [kind, setKind] = useState<MediaKind | "">("");
  const [openId, setOpenId] = useState<string | null>(null);
  const tagId = useId();
  const kindId = useId();
  const list = useMediaList(workspaceId, { tag: tag.trim() || undefined, kind: kind || undefined });
  const { uploads, upload, dismiss } = useUploads(workspaceId);
  const open = list.items.find((m) => m.id === openId);

  return (
    <div className="media-page">
      <h1>Media</h1>
      {canEdit && (
        <section aria-label="Add media" className="media-add">
          <DropZone onFiles={(files) => void upload(files)} />
          <UploadList uploads={uploads} onDismiss={dismiss} />
          <ImportForm workspaceId={workspaceId} />
        </section>
      )}
      <div className="inline-form" role="search">
        <div className="field">
          <label htmlFor={tagId}>Search by tag</label>
          <input id={tagId} type="search" value={tag} onChange={(e) => setTag(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={kindId}>Type</label>
          <select id={kindId} value={kind} onChange={(e) => setKind(e.target.value as MediaKind | "")}>
            <option value="">All</option>
            <option value="image">Images</option>
            <option value="gif">GIFs</option>
            <option value="video">Videos</option>
            <option value="document">CSV files</option>
          </select>
        </div>
      </div>
      <div className="media-layout">
        <div>
          {list.isPending && <p className="muted">Loading the library…</p>}
          {list.isError && (
            <p role="alert" className="form-error">
              Could not load the library: {list.error.message}
            </p>
          )}
          {list.isSuccess && list.items.length === 0 && (
            <p className="muted">
              {tag || kind ? "Nothing matches this search." : "No media yet: drop files above to upload them."}
            </p>
          )}
          <ul className="media-grid" aria-label="Library">
            {list.items.map((media) => (
              <MediaCard key={media.id} media={media} selected={media.id === openId} onSelect={() => setOpenId(media.id)} />
            ))}
          </ul>
          <LoadMore list={list} />
        </div>
        {open && (
          <MediaDetails workspaceId={workspaceId} media={open} canEdit={canEdit} onClose={() => setOpenId(null)} />
        )}
      </div>
    </div>
  );
}
