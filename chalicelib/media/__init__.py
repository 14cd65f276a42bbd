"""The media library's machinery, free of HTTP and DynamoDB.

- `sniff`: the real type of a file from its first bytes, whatever the client claimed.
- `source`: random access to an object's bytes (S3 ranged GETs, or bytes in memory).
- `mp4`: an ISO-BMFF box reader that reads only the boxes it needs.
- `inspection`: width, height, duration, codec, frames, or the reason a file is refused.
- `renditions`: per-network JPEGs cropped around a focal point and fitted to limits.
- `fetch`: a server-side URL fetch guarded against SSRF.
- `uploads`: object keys, plan limits and presigned POSTs.
- `library`: the operations the API and the publisher call (store + S3 + the above).
"""
