"""Bulk import (API.md "Bulk import"): upload a CSV, read its validation, commit it."""

from __future__ import annotations

from typing import Any, Literal

from chalice import Response
from pydantic import ConfigDict, Field, ValidationError

from chalicelib.api.responses import validation_error
from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.model import Model
from chalicelib.domain.roles import Role
from chalicelib.domain.timezones import TimeZoneName
from chalicelib.errors import invalid

imports = ApiBlueprint(__name__)

# API Gateway's own limit on a request body: 5,000 rows of CSV fit well inside it.
MAX_CSV_BYTES = 10 * 1024 * 1024


class ImportQuery(Model):
    model_config = ConfigDict(extra="forbid")

    format: Literal["schedulo", "hootsuite", "buffer", "ayrshare"] | None = Field(
        default=None, description="detected from the header when absent"
    )
    timezone: TimeZoneName | None = Field(
        default=None, description="zone of rows without one; the workspace's by default"
    )
    date_order: Literal["dmy", "mdy"] | None = Field(
        default=None, description="how to read dates such as 03/04/2027 (day first or month first)"
    )
    accounts: str | None = Field(
        default=None,
        max_length=2000,
        description="accounts (ids or network:handle, |-separated) for rows that name none",
    )


class MediaCsvIn(Model):
    model_config = ConfigDict(extra="forbid")

    media_id: str = Field(min_length=1, max_length=64, description="an uploaded CSV file")


class CommitQuery(Model):
    model_config = ConfigDict(extra="forbid")

    skip_invalid: bool = Field(default=False, description="schedule the valid rows only")


class RowError(Model):
    row: int = Field(description="the spreadsheet's line number (the header is row 1)")
    column: str
    message: str


class PreviewRow(Model):
    row: int
    valid: bool
    scheduled_at: str | None = Field(description="UTC; a queued row shows its slot")
    queued: bool
    timezone: str
    accounts: list[str] = Field(description="network:handle of each target")
    text: str
    media_ids: list[str]
    cells: dict[str, str] = Field(description="the row as written, by column")


class AccountCount(Model):
    account: str = Field(description="network:handle, as a row names the account")
    account_id: str | None = None
    network: str | None = None
    name: str | None = Field(default=None, description="the account's display name")
    posts: int


class WeekCount(Model):
    week: str = Field(description="the Monday (UTC) starting the week")
    posts: int


class ImportSummary(Model):
    by_account: list[AccountCount] = Field(default_factory=list)
    by_week: list[WeekCount] = Field(default_factory=list)


class ImportOut(Model):
    id: str
    status: Literal["validating", "ready", "invalid", "committing", "done", "failed"]
    progress: float = Field(ge=0, le=1)
    format: str | None
    rows: int
    valid_rows: int
    created_posts: int
    columns: list[str]
    errors: list[RowError]
    preview: list[PreviewRow]
    summary: ImportSummary
    failure: str | None
    created_at: str
    updated_at: str


class ColumnDoc(Model):
    column: str
    meaning: str


class FormatDoc(Model):
    format: str
    columns: list[ColumnDoc]


class FormatList(Model):
    items: list[FormatDoc]


@imports.endpoint(
    "POST",
    "/v1/workspaces/{ws}/imports",
    auth=Role.EDITOR,
    query=ImportQuery,
    response=ImportOut,
    status=201,
    content_types=("text/csv", "application/json"),
    max_body=MAX_CSV_BYTES,
    raw_body={"text/csv": None, "application/json": MediaCsvIn},
)
def create_import(ctx: RequestContext, ws: str, query: ImportQuery) -> ImportOut:
    """Upload a CSV (the body, or `{media_id}` of an uploaded file); validation starts."""
    from chalicelib.imports import service

    data = _csv_bytes(ctx, ws)
    actor = ctx.principal.user_id if ctx.principal is not None else None
    item = service.start(
        ws,
        actor,
        data,
        format_name=query.format,
        timezone=query.timezone,
        date_order=query.date_order,
        default_accounts=query.accounts,
    )
    return import_out(item, None)


@imports.endpoint(
    "GET", "/v1/workspaces/{ws}/imports/{import_id}", auth=Role.EDITOR, response=ImportOut
)
def get_import(ctx: RequestContext, ws: str, import_id: str) -> ImportOut:
    """Status, progress, every problem as {row, column, message}, and a preview."""
    from chalicelib.imports import service

    item = service._found(ws, import_id)
    return import_out(item, service.plan_if_any(item))


@imports.endpoint(
    "POST",
    "/v1/workspaces/{ws}/imports/{import_id}/commit",
    auth=Role.EDITOR,
    query=CommitQuery,
    response=ImportOut,
    status=202,
)
def commit_import(ctx: RequestContext, ws: str, import_id: str, query: CommitQuery) -> ImportOut:
    """Schedule every valid row in the background (`?skip_invalid=true` skips the rest)."""
    from chalicelib.api.approvals import reviewer_of
    from chalicelib.imports import service

    item = service.request_commit(ws, import_id, query.skip_invalid, reviewer_of(ctx))
    return import_out(item, service.plan_if_any(item))


@imports.endpoint("GET", "/v1/imports/template.csv", auth=Access.PUBLIC, content_types=())
def import_template(ctx: RequestContext) -> Response:
    """The Schedulo CSV template, with two example rows."""
    from chalicelib.imports.formats import template_csv

    return Response(
        body=template_csv(),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="schedulo-bulk-template.csv"',
        },
    )


@imports.endpoint("GET", "/v1/imports/formats", auth=Access.PUBLIC, response=FormatList)
def import_formats(ctx: RequestContext) -> FormatList:
    """Each CSV format Schedulo reads, column by column, and what each column becomes."""
    from chalicelib.imports.mapping import FORMAT_DOCS

    return FormatList(
        items=[
            FormatDoc(format=name, columns=[ColumnDoc(column=c, meaning=m) for c, m in columns])
            for name, columns in FORMAT_DOCS.items()
        ]
    )


def _csv_bytes(ctx: RequestContext, ws: str) -> bytes:
    from chalicelib.imports import service

    raw = ctx.request.raw_body or b""
    content_type = (ctx.header("content-type") or "").split(";", 1)[0].strip().lower()
    if content_type == "application/json":
        try:
            body = MediaCsvIn.model_validate_json(raw or b"{}")
        except ValidationError as error:
            raise validation_error(error) from None
        return service.read_media_csv(ws, body.media_id)
    if not raw.strip():
        raise invalid("body", "send the CSV file as the body (Content-Type: text/csv)")
    return raw.encode() if isinstance(raw, str) else raw


def import_out(item: Any, document: dict[str, Any] | None) -> ImportOut:
    from chalicelib.imports import service

    errors: list[RowError] = []
    preview: list[PreviewRow] = []
    summary = ImportSummary()
    columns: list[str] = []
    if document is not None:
        errors = [RowError(**error) for error in document["errors"]]
        rows = {row["row"]: row for row in document["rows"]}
        cells = document.get("cells", {})
        preview = [
            PreviewRow(
                row=number,
                valid=rows[number]["valid"],
                scheduled_at=rows[number]["at"],
                queued=rows[number]["queued"],
                timezone=rows[number]["timezone"],
                accounts=[t["label"] for t in rows[number]["targets"]],
                text=rows[number]["text"],
                media_ids=rows[number]["media_ids"],
                cells=cells.get(str(number), {}),
            )
            for number in service.preview_rows(document)
            if number in rows
        ]
        summary = ImportSummary(**document["summary"])
        columns = document.get("columns", [])
    return ImportOut(
        id=item.import_id,
        status=item.status,
        progress=float(item.progress or 0),
        format=item.format,
        rows=int(item.rows or 0),
        valid_rows=int(item.valid_rows or 0),
        created_posts=int(item.created_posts or 0),
        columns=columns,
        errors=errors,
        preview=preview,
        summary=summary,
        failure=item.failure,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )
