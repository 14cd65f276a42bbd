import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { ApiError } from "../../api/client";
import { useMembers } from "../../api/people";
import { addComment, collaborationKeys, deleteComment, listComments, type Comment } from "./api";
import { matchMembers, mentionAt, mentionedIds, type Mentionable } from "./mentions";
import { Avatar, When } from "./bits";

/** The post's internal thread and a box to add to it, with @mentions of members. */
export function CommentThread({
  workspaceId,
  postId,
  meId,
  canModerate,
}: {
  workspaceId: string;
  postId: string;
  meId?: string;
  canModerate: boolean;
}) {
  const queryClient = useQueryClient();
  const key = collaborationKeys.comments(workspaceId, postId);
  // Teammates answer while the page is open: the thread follows.
  const comments = useQuery({ queryKey: key, queryFn: () => listComments(workspaceId, postId), refetchInterval: 20_000 });
  const members = useMembers(workspaceId);
  const everyone: Mentionable[] = useMemo(
    () => (members.data?.items ?? []).map((m) => ({ user_id: m.user_id, name: m.name, email: m.email })),
    [members.data],
  );
  const [text, setText] = useState("");
  const [picked, setPicked] = useState<Mentionable[]>([]);
  const send = useMutation({
    mutationFn: () => addComment(workspaceId, postId, text.trim(), mentionedIds(text, picked)),
    meta: { toast: false }, // shown under the box
    onSuccess: (comment) => {
      queryClient.setQueryData<{ items: Comment[] }>(key, (old) => ({ items: [...(old?.items ?? []), comment] }));
      setText("");
      setPicked([]);
    },
  });
  const [deleting, setDeleting] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: (commentId: string) => deleteComment(workspaceId, postId, commentId),
    meta: { toast: false },
    onSuccess: (_, commentId) => {
      queryClient.setQueryData<{ items: Comment[] }>(key, (old) => ({
        items: (old?.items ?? []).filter((c) => c.id !== commentId),
      }));
      setDeleting(null);
    },
  });
  const items = comments.data?.items ?? [];
  return (
    <div className="comment-thread">
      {comments.isPending && <p className="muted">Loading comments…</p>}
      {comments.isError && <p role="alert">Could not load the comments: {comments.error.message}</p>}
      {comments.isSuccess && items.length === 0 && (
        <p className="muted empty-thread">No comments yet. Ask a teammate with @ and their name.</p>
      )}
      {items.length > 0 && (
        <ol className="comment-list" aria-label="Comments">
          {items.map((c) => (
            <li key={c.id} className="comment" data-mine={c.author.id === meId}>
              <Avatar name={c.author.name} />
              <div className="comment-body">
                <p className="comment-meta">
                  <strong>{c.author.name}</strong> <When at={c.created_at} />
                </p>
                <p className="comment-text">{highlight(c)}</p>
                {(c.author.id === meId || canModerate) && (
                  <div className="comment-actions">
                    {deleting === c.id ? (
                      <>
                        <span>Delete this comment?</span>
                        <button type="button" className="link danger" onClick={() => remove.mutate(c.id)} disabled={remove.isPending}>
                          Delete
                        </button>
                        <button type="button" className="link" onClick={() => setDeleting(null)}>
                          Keep
                        </button>
                      </>
                    ) : (
                      <button type="button" className="link" onClick={() => setDeleting(c.id)} aria-label={`Delete the comment of ${c.author.name}`}>
                        Delete
                      </button>
                    )}
                    {remove.isError && deleting === c.id && (
                      <span role="alert" className="form-error">
                        {remove.error.message}
                      </span>
                    )}
                  </div>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
      <form
        className="comment-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) send.mutate();
        }}
      >
        <MentionBox value={text} onChange={setText} members={everyone} onPick={(m) => setPicked((p) => [...p, m])} />
        <div className="actions">
          <button type="submit" className="primary" disabled={!text.trim() || send.isPending}>
            {send.isPending ? "Posting…" : "Comment"}
          </button>
          <span className="muted hint">Type @ to mention someone: they are notified.</span>
        </div>
        {send.isError && (
          <p role="alert" className="form-error">
            Could not post the comment: {send.error instanceof ApiError ? send.error.message : String(send.error)}
          </p>
        )}
      </form>
    </div>
  );
}

/** The comment's text with each "@Name" of a mentioned member set apart. */
function highlight(comment: Comment): ReactNode {
  const names = comment.mentions.map((m) => `@${m.name}`).filter(Boolean);
  if (!names.length) return comment.text;
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const parts = comment.text.split(new RegExp(`(${escaped.join("|")})`, "g"));
  return parts.map((part, i) =>
    names.includes(part) ? (
      <mark key={i} className="mention">
        {part}
      </mark>
    ) : (
      part
    ),
  );
}

/** A textarea that offers members to mention after "@" (arrows, Enter or Tab, Escape). */
function MentionBox({
  value,
  onChange,
  members,
  onPick,
}: {
  value: string;
  onChange: (text: string) => void;
  members: Mentionable[];
  onPick: (member: Mentionable) => void;
}) {
  const id = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const at = mentionAt(value, caret);
  const options = at && dismissed !== at.start ? matchMembers(members, at.query) : [];
  const open = options.length > 0;

  const choose = (member: Mentionable) => {
    if (!at) return;
    const inserted = `@${member.name} `;
    const next = value.slice(0, at.start) + inserted + value.slice(caret);
    onChange(next);
    onPick(member);
    const position = at.start + inserted.length;
    setCaret(position);
    setActive(0);
    requestAnimationFrame(() => {
      ref.current?.focus();
      ref.current?.setSelectionRange(position, position);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!open) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((a) => (a + step + options.length) % options.length);
    } else if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      choose(options[Math.min(active, options.length - 1)]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      setDismissed(at?.start ?? null);
    }
  };

  return (
    <div className="mention-box">
      <label htmlFor={`${id}-text`} className="visually-hidden">
        Comment
      </label>
      <textarea
        id={`${id}-text`}
        ref={ref}
        rows={3}
        placeholder="Write a comment… (@ to mention)"
        value={value}
        maxLength={5000}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={`${id}-list`}
        aria-activedescendant={open ? `${id}-opt-${Math.min(active, options.length - 1)}` : undefined}
        onChange={(e) => {
          onChange(e.target.value);
          setCaret(e.target.selectionStart ?? e.target.value.length);
          setActive(0);
          setDismissed(null);
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
        onKeyDown={onKeyDown}
      />
      {open && (
        <ul id={`${id}-list`} role="listbox" className="mention-list" aria-label="Members to mention">
          {options.map((m, i) => (
            <li
              key={m.user_id}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={i === Math.min(active, options.length - 1)}
              onMouseDown={(e) => {
                e.preventDefault(); // keep the focus in the textarea
                choose(m);
              }}
            >
              <Avatar name={m.name} small />
              <span>
                <strong>{m.name}</strong> <span className="muted">{m.email}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
