// Each upload in progress: a progress bar while sending, then the server's verdict.
import type { UploadState } from "./useUploads";

const STAGE_TEXT = { sending: "Uploading", checking: "Checking the file", done: "Ready", failed: "Failed" };

export function UploadList({ uploads, onDismiss }: { uploads: UploadState[]; onDismiss: (key: string) => void }) {
  if (!uploads.length) return null;
  return (
    <ul className="upload-list" aria-label="Uploads">
      {uploads.map((u) => (
        <li key={u.key} data-stage={u.stage}>
          <span className="upload-name">{u.name}</span>
          <progress max={1} value={u.progress} aria-label={`Upload of ${u.name}`} />
          <span className="upload-stage" role={u.stage === "failed" ? "alert" : "status"}>
            {STAGE_TEXT[u.stage]}
            {u.stage === "sending" && ` ${Math.round(u.progress * 100)}%`}
            {u.error && `: ${u.error}`}
          </span>
          {(u.stage === "done" || u.stage === "failed") && (
            <button type="button" onClick={() => onDismiss(u.key)} aria-label={`Dismiss ${u.name}`}>
              ×
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
