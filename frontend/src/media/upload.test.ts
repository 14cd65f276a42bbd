import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { uploadToS3, type UploadRequest } from "./upload";

class FakeRequest implements UploadRequest {
  method = "";
  url = "";
  body: FormData | null = null;
  status = 0;
  responseText = "";
  upload: UploadRequest["upload"] = { onprogress: null };
  onload: UploadRequest["onload"] = null;
  onerror: UploadRequest["onerror"] = null;
  onabort: UploadRequest["onabort"] = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  send(body: FormData) {
    this.body = body;
  }
  abort() {
    this.onabort?.(new ProgressEvent("abort"));
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total } as ProgressEvent);
  }
  finish(status: number, text = "") {
    this.status = status;
    this.responseText = text;
    this.onload?.(new ProgressEvent("load"));
  }
}

const post = { url: "http://127.0.0.1:4566/bucket", fields: { key: "uploads/w/m/a.jpg", "Content-Type": "image/jpeg", policy: "p" }, max_bytes: 3 };

describe("uploadToS3", () => {
  it("posts every presigned field before the file and reports progress", async () => {
    const request = new FakeRequest();
    const seen: number[] = [];
    const handle = uploadToS3(post, new Blob(["abc"]), (f) => seen.push(f), () => request);
    expect([request.method, request.url]).toEqual(["POST", post.url]);
    expect([...request.body!.keys()]).toEqual(["key", "Content-Type", "policy", "file"]);
    request.progress(1, 4);
    request.progress(4, 4);
    request.finish(204);
    await handle.done;
    expect(seen).toEqual([0.25, 1, 1]);
  });

  it("turns S3's refusal into a readable error", async () => {
    const request = new FakeRequest();
    const handle = uploadToS3(post, new Blob(["abcd"]), () => {}, () => request);
    request.finish(400, "<Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size</Message></Error>");
    const error = (await handle.done.catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe("The file is larger than this upload allows.");
  });

  it("can be cancelled", async () => {
    const request = new FakeRequest();
    const handle = uploadToS3(post, new Blob(["a"]), () => {}, () => request);
    handle.abort();
    await expect(handle.done).rejects.toThrow("cancelled");
  });
});
