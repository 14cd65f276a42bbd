"""LinkedIn (Posts API): members and organisations, images, multi-image, video in parts.

NETWORKS.md, "LinkedIn". Every REST call carries `LinkedIn-Version` and
`X-Restli-Protocol-Version: 2.0.0`; a post answers 201 with its URN in `x-restli-id`;
commentary is "little text", whose reserved characters must be escaped.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

from chalicelib.domain.limits import (
    Capability,
    ImageLimits,
    NetworkLimits,
    TextLimits,
    VideoLimits,
)
from chalicelib.networks.base import (
    AccountAuth,
    AccountMetrics,
    ErrorKind,
    Identity,
    IdentityKind,
    MediaItem,
    NetworkAdapter,
    NetworkError,
    PostMetrics,
    PublishRequest,
    PublishResult,
    TokenGrant,
    in_seconds,
    kind_for_status,
    utcnow,
)
from chalicelib.networks.http import json_of

LIMITS = NetworkLimits(
    network="linkedin",
    name="LinkedIn",
    capabilities=frozenset(
        {
            Capability.TEXT,
            Capability.LINK,
            Capability.IMAGES,
            Capability.VIDEO,
            Capability.CAROUSEL,
            Capability.FIRST_COMMENT,
            Capability.ALT_TEXT,
        }
    ),
    text=TextLimits(max_length=3000),
    images=ImageLimits(
        content_types=("image/jpeg", "image/png", "image/gif"),
        max_bytes=36_152_320,
        max_count=20,
        alt_text_max=4086,
    ),
    videos=VideoLimits(
        content_types=("video/mp4",),
        max_bytes=5 * 1024**3,
        max_count=1,
        min_seconds=3,
        max_seconds=30 * 60,
    ),
    mixed_media=False,
    max_media=20,
    first_comment_max=1250,
)

SCOPES = (
    "openid",
    "profile",
    "w_member_social",
    "r_organization_social",
    "w_organization_social",
    "rw_organization_admin",
    # analytics: a member's own post figures and follower count
    "r_member_postAnalytics",
    "r_member_followersCount",
)
LINKEDIN_VERSION = "202510"
# organizationalEntityShareStatistics' totalShareStatistics -> the canonical names
SHARE_STATISTICS = {
    "impressionCount": "impressions",
    "uniqueImpressionsCount": "reach",
    "clickCount": "clicks",
    "likeCount": "likes",
    "commentCount": "comments",
    "shareCount": "shares",
}
# memberCreatorPostAnalytics' queryType (one a call) -> the canonical names
MEMBER_POST_METRICS = {
    "IMPRESSION": "impressions",
    "MEMBERS_REACHED": "reach",
    "REACTION": "likes",
    "COMMENT": "comments",
    "RESHARE": "shares",
}
ORG_STATS_BATCH = 20  # post URNs per organizationalEntityShareStatistics call
RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")
IMAGE_READ_CAP = 36_152_320
# LinkedIn's 429 says nothing about when to come back: wait this long.
FALLBACK_THROTTLE_WAIT = timedelta(minutes=15)


def escape_commentary(text: str) -> str:
    r"""LinkedIn's little-text format: `\ | { } @ [ ] ( ) < > # * _ ~` are escaped,
    else the post is cut at the first of them or rejected.

    >>> escape_commentary("50% off (today) #sale")
    '50% off \\(today\\) \\#sale'
    """
    return RESERVED.sub(r"\\\1", text)


class LinkedInAdapter(NetworkAdapter):
    network_id = "linkedin"
    limits = LIMITS
    scopes = SCOPES
    can_refresh = True
    can_revoke = True
    hosts = {"auth": "https://www.linkedin.com", "api": "https://api.linkedin.com"}
    # Organisations get all six; members' post analytics have no clicks.
    metric_names = frozenset({"impressions", "reach", "clicks", "likes", "comments", "shares"})
    metrics_batch = ORG_STATS_BATCH

    # -- OAuth ---------------------------------------------------------------------------
    def authorize_url(self, redirect_uri: str, state: str, code_challenge: str | None) -> str:
        query = {
            "response_type": "code",
            "client_id": self.credentials.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "scope": " ".join(self.scopes),
        }
        return f"{self.url('auth', '/oauth/v2/authorization')}?{urlencode(query)}"

    def exchange_code(
        self, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenGrant:
        return self._token(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        )

    def refresh(self, grant: TokenGrant) -> TokenGrant:
        if not grant.refresh_token:
            raise NetworkError(
                ErrorKind.REAUTH, "LinkedIn gave no refresh token: reconnect before it expires"
            )
        return self._token({"grant_type": "refresh_token", "refresh_token": grant.refresh_token})

    def revoke(self, grant: TokenGrant) -> None:
        self.call(
            "POST",
            self.url("auth", "/oauth/v2/revoke"),
            data={"token": grant.access_token, **self._client()},
        )

    def _token(self, form: dict[str, str]) -> TokenGrant:
        body = self.call(
            "POST", self.url("auth", "/oauth/v2/accessToken"), data={**form, **self._client()}
        ).json()
        return TokenGrant(
            access_token=body["access_token"],
            expires_at=in_seconds(body.get("expires_in")),
            refresh_token=body.get("refresh_token"),
            refresh_expires_at=in_seconds(body.get("refresh_token_expires_in")),
            scopes=tuple(s for s in re.split(r"[ ,]+", body.get("scope", "")) if s),
        )

    def _client(self) -> dict[str, str]:
        return {
            "client_id": self.credentials.client_id,
            "client_secret": self.credentials.client_secret,
        }

    def identities(self, grant: TokenGrant) -> list[Identity]:
        token = grant.access_token
        me = json_of(
            self.call(
                "GET", self.url("api", "/v2/userinfo"), headers={"Authorization": f"Bearer {token}"}
            )
        )
        found = [
            Identity(
                network="linkedin",
                external_id=f"urn:li:person:{me['sub']}",
                kind=IdentityKind.PERSON,
                name=me.get("name") or me["sub"],
                avatar_url=me.get("picture"),
            )
        ]
        return found + self._organizations(token)

    def _organizations(self, token: str) -> list[Identity]:
        try:
            acls = self._rest(
                "GET",
                "/rest/organizationAcls",
                token,
                params={"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"},
            )
        except NetworkError as error:
            if error.kind is ErrorKind.PERMANENT and error.status == 403:
                return []  # the member granted no organisation scope: member posts only
            raise
        found = []
        for acl in acls.get("elements", []):
            urn = acl["organization"]
            org = self._rest("GET", f"/rest/organizations/{urn.rsplit(':', 1)[-1]}", token)
            found.append(
                Identity(
                    network="linkedin",
                    external_id=urn,
                    kind=IdentityKind.ORGANIZATION,
                    name=org.get("localizedName") or urn,
                    username=org.get("vanityName"),
                )
            )
        return found

    # -- publishing ------------------------------------------------------------------------
    def publish(self, account: AccountAuth, request: PublishRequest) -> PublishResult:
        author, token = account.external_id, account.access_token
        images, videos = request.images, request.videos
        self.require(not (images and videos), "LinkedIn posts take images or a video, not both")
        self.require(len(videos) <= 1, "LinkedIn posts take one video")
        self.require(len(images) <= 20, "LinkedIn multi-image posts take at most 20 images")
        post: dict[str, Any] = {
            "author": author,
            "commentary": escape_commentary(request.text),
            "visibility": request.options.get("visibility", "PUBLIC"),
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        if videos:
            video = self._upload_video(author, token, videos[0])
            post["content"] = {"media": {"id": video, "title": request.options.get("title", "")}}
        elif len(images) == 1:
            post["content"] = {"media": self._image_ref(author, token, images[0])}
        elif images:
            refs = [self._image_ref(author, token, image) for image in images]
            post["content"] = {"multiImage": {"images": refs}}
        elif request.link:
            post["content"] = {
                "article": {
                    "source": request.link,
                    "title": request.options.get("link_title") or request.link,
                }
            }
        with self.publishing():
            response = self._rest_response("POST", "/rest/posts", token, json=post)
        urn = response.headers.get("x-restli-id")
        if not urn:
            error = NetworkError(ErrorKind.PERMANENT, "LinkedIn accepted the post but sent no id")
            error.maybe_published = True
            raise error
        follow_ups, warnings = self._first_comment(author, token, urn, request.first_comment)
        url = f"https://www.linkedin.com/feed/update/{urn}/"
        return PublishResult(urn, url, utcnow(), follow_ups, warnings)

    def _image_ref(self, author: str, token: str, image: MediaItem) -> dict[str, str]:
        started = self._rest(
            "POST",
            "/rest/images",
            token,
            params={"action": "initializeUpload"},
            json={"initializeUploadRequest": {"owner": author}},
        )["value"]
        self.call(
            "PUT",
            started["uploadUrl"],
            headers={"Authorization": f"Bearer {token}", "Content-Type": image.content_type},
            data=image.read_all(IMAGE_READ_CAP),
            upload=True,
        )
        ref = {"id": started["image"]}
        if image.alt_text:
            ref["altText"] = image.alt_text
        return ref

    def _upload_video(self, author: str, token: str, video: MediaItem) -> str:
        started = self._rest(
            "POST",
            "/rest/videos",
            token,
            params={"action": "initializeUpload"},
            json={
                "initializeUploadRequest": {
                    "owner": author,
                    "fileSizeBytes": video.size,
                    "uploadCaptions": False,
                    "uploadThumbnail": False,
                }
            },
        )["value"]
        read = video.read_range
        self.require(read is not None, f"{video.filename}: LinkedIn needs the video's bytes")
        assert read is not None
        etags = []
        # LinkedIn cuts the file into parts (4 MiB each) and gives a URL per part.
        for part in started["uploadInstructions"]:
            first, last = int(part["firstByte"]), int(part["lastByte"])
            response = self.call(
                "PUT",
                part["uploadUrl"],
                headers={"Content-Type": "application/octet-stream"},
                data=read(first, last - first + 1),
                upload=True,
            )
            etags.append(response.headers.get("ETag", "").strip('"'))
        self._rest(
            "POST",
            "/rest/videos",
            token,
            params={"action": "finalizeUpload"},
            json={
                "finalizeUploadRequest": {
                    "video": started["video"],
                    "uploadToken": started.get("uploadToken", ""),
                    "uploadedPartIds": etags,
                }
            },
        )
        self._wait_until_available(started["video"], token)
        return started["video"]

    def _wait_until_available(self, video: str, token: str) -> None:
        def check() -> tuple[bool, float | None]:
            body = self._rest("GET", f"/rest/videos/{quote(video, safe='')}", token)
            status = body.get("status")
            if status == "PROCESSING_FAILED":
                reason = body.get("processingFailureReason") or "processing failed"
                raise NetworkError(ErrorKind.PERMANENT, f"LinkedIn rejected the video: {reason}")
            return status == "AVAILABLE", None

        self.polling.until_done(check, f"LinkedIn video {video}")

    def _first_comment(
        self, author: str, token: str, urn: str, text: str | None
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if not text:
            return (), ()
        try:
            response = self._rest_response(
                "POST",
                f"/rest/socialActions/{quote(urn, safe='')}/comments",
                token,
                json={"actor": author, "object": urn, "message": {"text": text}},
            )
            return (response.headers.get("x-restli-id", ""),), ()
        except NetworkError as error:
            return (), (f"the first comment was not published: {error.message}",)

    # -- metrics ---------------------------------------------------------------------------
    def metrics(self, account: AccountAuth, external_ids: list[str]) -> list[PostMetrics]:
        if account.external_id.startswith("urn:li:organization:"):
            return self._organization_metrics(account, external_ids)
        return [self._member_post_metrics(account, urn) for urn in external_ids]

    def _organization_metrics(
        self, account: AccountAuth, external_ids: list[str]
    ) -> list[PostMetrics]:
        results: list[PostMetrics] = []
        for start in range(0, len(external_ids), ORG_STATS_BATCH):
            batch = external_ids[start : start + ORG_STATS_BATCH]
            # Rest.li lists: each URN encoded inside List(...), the list itself not.
            query = [
                ("q", "organizationalEntity"),
                ("organizationalEntity", quote(account.external_id, safe="")),
            ]
            for kind, param in (("share", "shares"), ("ugcPost", "ugcPosts")):
                urns = [u for u in batch if u.startswith(f"urn:li:{kind}:")]
                if urns:
                    query.append((param, f"List({','.join(quote(u, safe='') for u in urns)})"))
            body = self._rest(
                "GET",
                "/rest/organizationalEntityShareStatistics?"
                + "&".join(f"{k}={v}" for k, v in query),
                account.access_token,
            )
            by_urn: dict[str, dict[str, int]] = {}
            for element in body.get("elements", []):
                urn = element.get("share") or element.get("ugcPost")
                totals = element.get("totalShareStatistics") or {}
                by_urn[urn] = {
                    name: int(totals[field])
                    for field, name in SHARE_STATISTICS.items()
                    if totals.get(field) is not None
                }
            results.extend(PostMetrics(urn, by_urn[urn]) for urn in batch if urn in by_urn)
        return results

    def _member_post_metrics(self, account: AccountAuth, urn: str) -> PostMetrics:
        """A member's own post: LinkedIn gives one metric a call, as a lifetime total."""
        kind = "ugcPost" if urn.startswith("urn:li:ugcPost:") else "share"
        values: dict[str, int] = {}
        for query_type, name in MEMBER_POST_METRICS.items():
            try:
                body = self._rest(
                    "GET",
                    "/rest/memberCreatorPostAnalytics?q=entity"
                    f"&entity=({kind}:{quote(urn, safe='')})"
                    f"&queryType={query_type}&aggregation=TOTAL",
                    account.access_token,
                )
            except NetworkError as error:
                if error.status != 403:
                    raise
                # The member analytics permission is granted to approved apps only (and
                # to grants made since): the post's likes and comments are still public.
                return self._social_actions(account, urn)
            counts = [
                e.get("count") for e in body.get("elements", []) if e.get("count") is not None
            ]
            if counts:
                values[name] = int(sum(counts))
        return PostMetrics(urn, values)

    def _social_actions(self, account: AccountAuth, urn: str) -> PostMetrics:
        body = self._rest("GET", f"/rest/socialActions/{quote(urn, safe='')}", account.access_token)
        likes = (body.get("likesSummary") or {}).get("totalLikes")
        comments = (body.get("commentsSummary") or {}).get("aggregatedTotalComments")
        given = {"likes": likes, "comments": comments}
        return PostMetrics(urn, {k: int(v) for k, v in given.items() if v is not None})

    def account_metrics(self, account: AccountAuth) -> AccountMetrics:
        if account.external_id.startswith("urn:li:organization:"):
            body = self._rest(
                "GET",
                f"/rest/networkSizes/{quote(account.external_id, safe='')}"
                "?edgeType=COMPANY_FOLLOWED_BY_MEMBER",
                account.access_token,
            )
            size = body.get("firstDegreeSize")
            return AccountMetrics(None if size is None else int(size), {})
        try:
            body = self._rest("GET", "/rest/memberFollowersCount?q=me", account.access_token)
        except NetworkError as error:
            if error.status != 403:
                raise
            return AccountMetrics(None, {})  # not granted: followers not available
        counts = [
            e.get("memberFollowersCount")
            for e in body.get("elements", [])
            if e.get("memberFollowersCount") is not None
        ]
        return AccountMetrics(int(counts[0]) if counts else None, {})

    # -- HTTP and errors -------------------------------------------------------------------
    def _rest_response(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        headers = {
            "Authorization": f"Bearer {token}",
            "LinkedIn-Version": LINKEDIN_VERSION,
            "X-Restli-Protocol-Version": "2.0.0",
        }
        return self.call(method, self.url("api", path), headers=headers, **kwargs)

    def _rest(self, method: str, path: str, token: str, **kwargs: Any) -> dict[str, Any]:
        return json_of(self._rest_response(method, path, token, **kwargs))

    def classify(self, response: Any) -> NetworkError:
        body = json_of(response)
        status = response.status_code
        message = (
            (body.get("message") or body.get("error_description") or body.get("error"))
            if isinstance(body, dict)
            else None
        ) or f"HTTP {status}"
        code = body.get("code") or body.get("error") if isinstance(body, dict) else None
        if status == 429:
            return NetworkError(
                ErrorKind.THROTTLED,
                message,
                retry_at=utcnow() + FALLBACK_THROTTLE_WAIT,
                status=status,
                code=code,
            )
        if code in ("invalid_grant", "REVOKED_ACCESS_TOKEN", "EXPIRED_ACCESS_TOKEN"):
            return NetworkError(ErrorKind.REAUTH, message, status=status, code=code)
        return NetworkError(kind_for_status(status), message, status=status, code=code)
