"""The column mapping of each CSV format, as the formats endpoint and docs/bulk-import.md
show it: the column as the file names it, and what Schedulo makes of it."""

from __future__ import annotations

FORMAT_DOCS: dict[str, list[tuple[str, str]]] = {
    "schedulo": [
        ("date", "the day: 2026-12-01, or 01/12/2026 with ?date_order=dmy|mdy when ambiguous"),
        ("time", "the time of day: 09:30 or 9:30 PM; no date and no time: the queue"),
        ("timezone", "IANA zone of the time (optional; else ?timezone=, else the workspace's)"),
        ("accounts", "account ids or network:handle, separated by |"),
        ("text", "the post's text"),
        ("media", "media ids or https URLs, separated by |; each URL is imported once"),
        ("first_comment", "the first comment (networks that have one)"),
        ("text_<network>", "the text for that network's accounts, e.g. text_x, text_linkedin"),
        ("link", "a link option (LinkedIn, Pinterest, Facebook)"),
        ("title", "a title option (YouTube, Pinterest)"),
    ],
    "hootsuite": [
        ("date (column A)", "date and time in one cell: 01/12/2026 09:30 (day or month first)"),
        ("message (column B)", "the post's text"),
        ("link (column C)", "a link option"),
        ("(accounts)", "the file names none: say which with ?accounts=x:@handle|linkedin:Page"),
    ],
    "buffer": [
        ("Text", "the post's text"),
        ("Link", "a link option"),
        ("Image URL / Media URL", "https URLs, separated by |"),
        ("Posting Time", "date and time: 2026-12-01 09:30"),
        ("Channel (optional)", "accounts as network:handle; else ?accounts="),
    ],
    "ayrshare": [
        ("post", "the post's text"),
        (
            "platforms",
            "twitter, facebook, instagram, linkedin, ... (comma-separated): the "
            "workspace's one account of each network, or network:handle",
        ),
        ("mediaUrls", "https URLs, separated by commas or |"),
        ("scheduleDate", "ISO 8601, e.g. 2026-12-01T09:30:00Z"),
    ],
}
