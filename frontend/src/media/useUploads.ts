// The upload queue: presign, send to S3 with progress, then have the server inspect it.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { ApiError } from "../api/client";
import { completeUpload, startUpload, type Media } from "./api";
import { uploadToS3 } from "./upload";

export type UploadStage = "sending" | "checking" | "done" | "failed";

export interface UploadState {
  key: string;
  name: string;
  progress: number;
  stage: UploadStage;
  error?: string;
  media?: Media;
}

let counter = 0;

function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const detail = error.details[0];
    return detail && detail.field !== "file" ? `${detail.field}: ${detail.message}` : error.message;
  }
  return String(error);
}

/** `upload(files)` runs each file through the three steps; `uploads` says where each is. */
export function useUploads(workspaceId: string | undefined, onUploaded?: (media: Media) => void) {
  const queryClient = useQueryClient();
  const [uploads, setUploads] = useState<UploadState[]>([]);

  const update = useCallback((key: string, change: Partial<UploadState>) => {
    setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...change } : u)));
  }, []);

  const uploadOne = useCallback(
    async (file: File) => {
      if (!workspaceId) return;
      const key = `upload-${++counter}`;
      setUploads((all) => [...all, { key, name: file.name, progress: 0, stage: "sending" }]);
      try {
        const started = await startUpload(workspaceId, file);
        await uploadToS3(started.upload, file, (progress) => update(key, { progress })).done;
        update(key, { stage: "checking", progress: 1 });
        const media = await completeUpload(workspaceId, started.media.id);
        update(key, { stage: "done", media });
        onUploaded?.(media);
      } catch (error) {
        update(key, { stage: "failed", error: messageOf(error) });
      } finally {
        void queryClient.invalidateQueries({ queryKey: ["media", workspaceId] });
      }
    },
    [workspaceId, update, queryClient, onUploaded],
  );

  const upload = useCallback((files: Iterable<File>) => Promise.all([...files].map(uploadOne)), [uploadOne]);
  const dismiss = useCallback((key: string) => setUploads((all) => all.filter((u) => u.key !== key)), []);
  return { uploads, upload, dismiss };
}
