// Uploading a file straight to S3 with the presigned POST, reporting progress.
import { ApiError } from "../api/client";
import type { PresignedUpload } from "./api";

/** The subset of XMLHttpRequest the upload uses (tests pass a fake). */
export interface UploadRequest {
  open(method: string, url: string): void;
  send(body: FormData): void;
  abort(): void;
  status: number;
  responseText: string;
  upload: { onprogress: ((event: ProgressEvent) => void) | null };
  onload: ((event: ProgressEvent) => void) | null;
  onerror: ((event: ProgressEvent) => void) | null;
  onabort: ((event: ProgressEvent) => void) | null;
}

export interface UploadHandle {
  done: Promise<void>;
  abort: () => void;
}

/**
 * POST `file` to S3 with the presigned form: every field first, the file last (S3 ignores
 * fields after it). `onProgress` receives 0..1 as the browser sends the bytes.
 */
export function uploadToS3(
  post: PresignedUpload,
  file: Blob,
  onProgress: (fraction: number) => void,
  makeRequest: () => UploadRequest = () => new XMLHttpRequest(),
): UploadHandle {
  const request = makeRequest();
  const form = new FormData();
  for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
  form.append("file", file);
  const done = new Promise<void>((resolve, reject) => {
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new ApiError(request.status, "upload_failed", storageMessage(request.responseText, request.status)));
      }
    };
    request.onerror = () => reject(new ApiError(0, "upload_failed", "The upload could not reach the storage."));
    request.onabort = () => reject(new ApiError(0, "upload_cancelled", "The upload was cancelled."));
  });
  request.open("POST", post.url);
  request.send(form);
  return { done, abort: () => request.abort() };
}

/** S3 answers errors in XML: `<Error><Code>EntityTooLarge</Code><Message>...`. */
function storageMessage(xml: string, status: number): string {
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
  if (code === "EntityTooLarge") return "The file is larger than this upload allows.";
  return message ? `The storage refused the file: ${message}` : `The storage refused the file (HTTP ${status}).`;
}
