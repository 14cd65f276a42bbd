// "launch.jpg has no alt text": for each attached image without one, a field right here
// that saves it to the media item (PATCH .../media/{id}), so every post using it gets it.
import { useMutation, useQueries, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { api, ApiError } from "../../api/client";
import { updateMedia, type Media } from "../../media/api";

// The server's limit (chalicelib/api/media_models.py ALT_TEXT_MAX).
const ALT_TEXT_MAX = 2000;

export function AltTextPrompt({ workspaceId, mediaIds }: { workspaceId: string; mediaIds: string[] }) {
  // The same queries as the previews' (["media", ws, id]): one request per file.
  const results = useQueries({
    queries: mediaIds.map((id) => ({
      queryKey: ["media", workspaceId, id],
      queryFn: () => api<Media>(`/v1/workspaces/${workspaceId}/media/${id}`),
    })),
  });
  const [saved, setSaved] = useState<string[]>([]);
  const missing = results
    .map((r) => r.data)
    .filter((m): m is Media => Boolean(m && m.kind !== "document" && !m.alt_text?.trim()));
  if (missing.length === 0 && saved.length === 0) return null;
  return (
    <section className="alt-text-prompt" aria-label="Alt text">
      {missing.map((media) => (
        <AltTextRow key={media.id} workspaceId={workspaceId} media={media} onSaved={() => setSaved((s) => [...s, media.filename])} />
      ))}
      <p role="status" className="muted">
        {saved.length > 0 && missing.length === 0 ? `Alt text saved for ${saved.join(", ")}.` : ""}
      </p>
    </section>
  );
}

function AltTextRow({ workspaceId, media, onSaved }: { workspaceId: string; media: Media; onSaved: () => void }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const save = useMutation({
    meta: { toast: false }, // the problem is shown under the field
    mutationFn: () => updateMedia(workspaceId, media.id, { alt_text: text.trim() }),
    onSuccess: (updated) => {
      queryClient.setQueryData(["media", workspaceId, media.id], updated);
      void queryClient.invalidateQueries({ queryKey: ["media", workspaceId, "list"] });
      onSaved();
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (text.trim()) save.mutate();
  }

  const error = save.error instanceof ApiError ? (save.error.details[0]?.message ?? save.error.message) : save.error?.message;
  return (
    <div className="alt-text-row">
      <p id={`${id}-why`}>
        <strong>{media.filename}</strong> has no alt text. Describe it for people who use a screen reader (most networks show it to them).
      </p>
      <div className="alt-text-field">
        <label htmlFor={id} className="visually-hidden">
          Alt text for {media.filename}
        </label>
        <input
          id={id}
          value={text}
          maxLength={ALT_TEXT_MAX}
          placeholder="e.g. Three croissants on a wooden board"
          aria-describedby={`${id}-why`}
          aria-invalid={error ? true : undefined}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter") submit(event);
          }}
        />
        <button type="button" aria-label={`Save alt text for ${media.filename}`} onClick={submit} disabled={!text.trim() || save.isPending}>
          {save.isPending ? "Saving…" : "Save alt text"}
        </button>
      </div>
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}
