"""What the embedded AWS changes in moto, in the local stack's server and in the tests'
in-process moto alike (`tune_moto`): fixes of behaviour and of speed."""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import re
import threading
from collections.abc import Callable
from typing import Any

WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_lock = threading.RLock()

# Operations whose results are items, keys and capacities, already in DynamoDB's JSON.
ITEM_OPERATIONS = frozenset({"GetItem", "PutItem", "UpdateItem", "Query", "Scan", "BatchGetItem"})


# The patches that cut what each request costs (bench/moto_calls.py measures with and
# without them). They replace moto's internals (and two of botocore's) line for line, so
# they are made only on the versions they were written against and checked on
# (tests/unit/test_moto_tuning.py); another version keeps its own code.
PER_CALL_MOTO = "5.2.6"
PER_CALL = (
    "route_each_url_once",
    "find_each_action_once",
    "parse_each_update_expression_once",
    "lex_each_condition_once",
    "query_one_partition",
    "build_each_request_directly",
    "read_request_bodies_without_preparing",
    "derive_each_host_once",
)
# What each per-call patch replaced: (owner, name, moto's attribute, the tuned one).
_replaced: list[tuple[Any, str, Any, Any]] = []


def tune_moto() -> None:
    make_dynamodb_writes_atomic()
    answer_item_operations_as_json()
    route_each_host_once()
    read_the_sqs_clock_cheaply()
    make_sqs_thread_safe()
    delete_sqs_messages_by_handle()
    send_without_reading_every_queue_attribute()
    answer_each_request_with_less_bookkeeping()
    from moto import __version__

    if __version__ == PER_CALL_MOTO:
        for name in PER_CALL:
            globals()[name]()


def replace_once(owner: type, name: str, wrap: Callable[[Any], Any]) -> None:
    """`owner.name` becomes `wrap(original)`; a second call changes nothing."""
    original = getattr(owner, name)
    if getattr(original, "tuned", False):
        return
    replacement = functools.wraps(original)(wrap(original))
    replacement.tuned = True
    setattr(owner, name, replacement)


def make_dynamodb_writes_atomic() -> None:
    """DynamoDB's writes are atomic per item: a conditional write checks and writes as one
    step. moto's backend checks, then writes, with nothing in between to stop another
    thread doing the same, so two conditional writes racing can both succeed. The
    publisher's exactly-once claims depend on that atomicity: here every write of the
    embedded DynamoDB runs under one lock (AWS needs no such thing).

    Reads take it too: moto hands a read the stored item itself and turns it into JSON
    afterwards, so a write changing that item meanwhile broke the read ("dictionary changed
    size during iteration", seen under load). Each request, from parsing to its answer,
    runs under the lock; the backend's writes keep it for callers outside a request."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.responses import DynamoHandler

    for name in WRITES:
        replace_once(DynamoDBBackend, name, _serialised)
    replace_once(DynamoHandler, "call_action", _serialised)


def dynamodb_write_lock() -> Any:
    """The lock every write of the embedded DynamoDB holds (for a reset done outside them)."""
    return _lock


def _serialised(method: Any) -> Any:
    def write(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return method(*args, **kwargs)

    return write


def answer_item_operations_as_json() -> None:
    """moto builds an item operation's result in DynamoDB's wire JSON, then walks it again
    member by member against the operation's output shape to serialise it: a quarter of
    the embedded AWS's CPU while the publisher is busy. For these operations the walk
    changes nothing but binary values (tests/unit/test_moto_tuning.py compares both), so
    the result is written as it is. Errors and every other operation keep moto's
    serialiser."""
    from moto.dynamodb.responses import DynamoResult

    def answering_as_json(serialise: Any) -> Any:
        def as_json(self: DynamoResult, context: Any) -> Any:
            if context.operation_model.name not in ITEM_OPERATIONS:
                return serialise(self, context)
            body = json.dumps(self.result, default=_base64)
            return 200, {"Content-Type": "application/x-amz-json-1.0"}, body

        return as_json

    replace_once(DynamoResult, "execute_result", answering_as_json)


def _base64(value: Any) -> str:
    """Binary attributes (B, BS), which moto keeps as bytes, as they travel."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def route_each_host_once() -> None:
    """Remember which service answers each host name.

    moto's server finds it again for every request, under a lock: it lists moto's package
    directory on disk and tries its URL patterns one by one, some 15% of the server's CPU
    when the publisher is busy."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    def remembering(find: Any) -> Any:
        known: dict[str | None, Any] = {}

        def remembered(self: DomainDispatcherApplication, host: str | None) -> Any:
            if host not in known:
                known[host] = find(self, host)
            return known[host]

        return remembered

    replace_once(DomainDispatcherApplication, "get_backend_for_host", remembering)


def answer_each_request_with_less_bookkeeping() -> None:
    """Two costs moto pays on every request, about a tenth of the test suite's time in
    moto: it lists the response class's methods with `inspect.getmembers` to find the
    action (the class does not change), and draws the 52-character request id one
    character at a time."""
    import random
    import string

    from moto.core import responses

    if getattr(responses.method_names_from_class, "tuned", False):
        return
    names = functools.cache(responses.method_names_from_class)
    names.tuned = True  # type: ignore[attr-defined]
    responses.method_names_from_class = names
    alphabet = string.ascii_letters + string.digits

    def request_id(headers: dict[str, Any] | None = None) -> str:
        found = "".join(random.choices(alphabet, k=52))
        if isinstance(headers, dict):
            headers["x-amzn-requestid"] = found
        return found

    responses.gen_amzn_requestid_long = request_id


def read_the_sqs_clock_cheaply() -> None:
    """moto's SQS reads the clock for every message on every receive (visible? delayed?),
    several times, each read building and subtracting datetimes, and checks each message
    it returns against the queue's retention by computing every queue attribute (three
    scans of the queue): a receive on a queue of a thousand messages (webhook deliveries
    waiting out their backoff) took 1.7 s. The same instant from `time.time()`, and the
    retention period read from the queue."""
    import time

    import moto.sqs.models as sqs_models

    def wrap(original: Any) -> Any:
        def retained(self: Any, queue_name: str, message: Any) -> bool:
            period = getattr(self.get_queue(queue_name), "message_retention_period", None)
            if period is None:
                return bool(original(self, queue_name, message))
            return int(period) + message.sent_timestamp / 1000 > time.time()

        return retained

    replace_once(sqs_models.SQSBackend, "is_message_valid_based_on_retention_period", wrap)
    if getattr(sqs_models.unix_time_millis, "tuned", False):
        return
    original_millis, original_seconds = sqs_models.unix_time_millis, sqs_models.unix_time

    def unix_time_millis(dt: Any = None) -> float:
        return time.time() * 1000.0 if dt is None else float(original_millis(dt))

    def unix_time(dt: Any = None) -> float:
        return time.time() if dt is None else float(original_seconds(dt))

    unix_time_millis.tuned = True  # type: ignore[attr-defined]
    sqs_models.unix_time_millis = unix_time_millis
    sqs_models.unix_time = unix_time


SQS_CHANGES = (
    "send_message",
    "send_message_batch",
    "delete_message",
    "delete_message_batch",
    "change_message_visibility",
    "change_message_visibility_batch",
    "purge_queue",
)
_sqs_lock = threading.RLock()


def make_sqs_thread_safe() -> None:
    """moto's SQS deletes a message by rebuilding the queue's list from a copy: a message
    sent by another thread meanwhile is dropped, lost for good (one event in a thousand
    under bench/webhooks.py's load). Here its changes, and the receives that do not wait,
    run one at a time."""
    from moto.sqs.models import SQSBackend

    for name in SQS_CHANGES:
        if hasattr(SQSBackend, name):
            replace_once(SQSBackend, name, _sqs_serialised)

    def receiving(receive: Any) -> Any:
        def receive_message(
            self: Any, queue_name: str, count: int, wait: int, *args: Any, **kwargs: Any
        ) -> Any:
            if wait:  # a long poll waits for sends: it cannot hold the lock meanwhile
                return receive(self, queue_name, count, wait, *args, **kwargs)
            with _sqs_lock:
                return receive(self, queue_name, count, wait, *args, **kwargs)

        return receive_message

    replace_once(SQSBackend, "receive_message", receiving)


def delete_sqs_messages_by_handle() -> None:
    """moto's SQS deletes a message by asking every message of the queue, twice, whether
    it ever had the receipt handle (each answer building a list): a delete costs two
    Python passes over the queue, so draining a queue is quadratic (bench/webhooks.py's
    10,000 events are 30,000 messages, and the embedded AWS spent most of its time
    there). Here a queue keeps an index of the receipt handles it has issued, rebuilt
    when a handle is not in it (once per receive at most), and a delete removes that one
    message. Deletes run under the SQS lock (`make_sqs_thread_safe`)."""
    from moto.sqs.exceptions import ReceiptHandleIsInvalid
    from moto.sqs.models import Queue

    def wrap(original: Any) -> Any:
        def delete_message(self: Any, receipt_handle: str) -> None:
            if receipt_handle in self.deleted_messages:
                return  # deleted already: moto (and SQS) accept it again
            index: dict[str, Any] = self.__dict__.setdefault("_tuned_by_handle", {})
            message = index.pop(receipt_handle, None)
            if message is None:
                index.clear()
                for candidate in self._messages:
                    for handle in candidate.all_receipt_handles:
                        if handle:
                            index[handle] = candidate
                message = index.pop(receipt_handle, None)
            if message is None:
                raise ReceiptHandleIsInvalid()
            # It may be gone another way (purged, moved to a dead-letter queue).
            with contextlib.suppress(ValueError):
                self._messages.remove(message)
            self.pending_messages.discard(message)
            handles = [h for h in message.all_receipt_handles if h]
            self.deleted_messages.update(handles)
            for handle in handles:
                index.pop(handle, None)

        return delete_message

    replace_once(Queue, "delete_message", wrap)


_sending = threading.local()


def send_without_reading_every_queue_attribute() -> None:
    """moto's SQS send reads the queue's `attributes` for one of them (content-based
    deduplication), and building them counts the visible, delayed and in-flight messages:
    three scans of the queue per message sent, quadratic again (in bench/webhooks.py's
    10,000-event run two thirds of the embedded AWS's time, once retries and backoff
    waits had filled the queue). While a send runs, a queue answers with that attribute
    alone (what moto's send and add_message read); elsewhere with all of them."""
    from moto.sqs.models import Queue, SQSBackend

    every = Queue.__dict__["attributes"].fget
    if not getattr(every, "tuned", False):

        def attributes(self: Any) -> dict[str, Any]:
            if getattr(_sending, "on", False):
                if not self.fifo_queue:
                    return {}
                return {
                    "ContentBasedDeduplication": str(bool(self.content_based_deduplication)).lower()
                }
            return dict(every(self))

        attributes.tuned = True  # type: ignore[attr-defined]
        Queue.attributes = property(attributes)  # type: ignore[assignment,method-assign]

    send = SQSBackend.send_message
    if getattr(send, "marks_sending", False):
        return

    @functools.wraps(send)
    def send_message(*args: Any, **kwargs: Any) -> Any:
        before = getattr(_sending, "on", False)
        _sending.on = True
        try:
            return send(*args, **kwargs)
        finally:
            _sending.on = before

    send_message.marks_sending = True  # type: ignore[attr-defined]
    SQSBackend.send_message = send_message  # type: ignore[method-assign]


def _sqs_serialised(method: Any) -> Any:
    def change(*args: Any, **kwargs: Any) -> Any:
        with _sqs_lock:
            return method(*args, **kwargs)

    return change


def _replace_per_call(owner: Any, name: str, replacement: Any) -> None:
    """`owner.name` becomes `replacement` (a second call changes nothing); what it was is
    kept for `per_call_patches_off`."""
    original = owner.__dict__[name]
    inner = getattr(original, "__func__", None) or getattr(original, "fget", None)
    if getattr(original, "tuned", False) or getattr(inner, "tuned", False):
        return
    _replaced.append((owner, name, original, replacement))
    setattr(owner, name, replacement)


@contextlib.contextmanager
def per_call_patches_off() -> Any:
    """moto's own code back for a while (tests compare its answers with the tuned ones;
    nothing else may run meanwhile)."""
    for owner, name, original, _ in _replaced:
        setattr(owner, name, original)
    try:
        yield
    finally:
        for owner, name, _, replacement in _replaced:
            setattr(owner, name, replacement)


# Entries kept by each per-call cache before it starts again: far more than the app's
# distinct URLs and expressions, few enough that S3 keys cannot grow it without bound.
CACHE_LIMIT = 4096


def _remembered(cache: dict[Any, Any], key: Any, build: Any) -> Any:
    """`cache[key]`, built by `build()` the first time; the cache starts again once it
    holds CACHE_LIMIT entries. (A race builds an entry twice; both builds are equal.)"""
    found = cache.get(key)
    if found is None:
        found = build()
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        cache[key] = found
    return found


def route_each_url_once() -> None:
    """moto's stubber finds the service answering a URL for every call: it tries some 66
    services' URL patterns, builds the service's URL table (a dozen format and `re.sub`
    calls) and compiles each of its patterns again. Which services match a URL, and which
    handler answers it, depend on moto's tables alone (and MOTO_ENABLE_ISO_REGIONS), so
    they are remembered per URL (without its query). What depends on moto's config
    (pass-through URLs and services, the service allow-list) is still checked on every
    call, in moto's order. The rest is moto 5.2.6's `process_request` as it is."""

    import moto.backend_index as backend_index
    from moto.core import botocore_stubber
    from moto.core.base_backend import BackendDict
    from moto.core.config import passthrough_service, passthrough_url, service_whitelisted
    from moto.core.exceptions import HTTPException, ServiceNotWhitelisted
    from moto.core.utils import get_equivalent_url_in_aws_domain
    from moto.settings import enable_iso_regions

    routes: dict[tuple[str, bool], tuple[tuple[str, ...], Any]] = {}
    aws = re.compile(r"https?://.+\.amazonaws.com/.*")

    def route(clean_url: str) -> tuple[tuple[str, ...], Any]:
        """The services whose patterns match, in moto's order, up to the one whose URL
        table answers; that answer's handler (None when no service answers)."""
        import moto.backends as backends
        from moto.core import DEFAULT_ACCOUNT_ID

        matched: list[str] = []
        for service, pattern in backend_index.backend_url_patterns:
            if not pattern.match(clean_url):
                continue
            matched.append(service)
            backend_dict = backends.get_backend(service)  # type: ignore[call-overload]
            if isinstance(backend_dict, BackendDict):
                if "us-east-1" in backend_dict[DEFAULT_ACCOUNT_ID]:
                    backend = backend_dict[DEFAULT_ACCOUNT_ID]["us-east-1"]
                else:
                    backend = backend_dict[DEFAULT_ACCOUNT_ID]["aws"]
            else:
                backend = backend_dict["global"]
            for url, handler in backend.urls.items():
                if re.compile(url).match(clean_url):
                    return tuple(matched), handler
        return tuple(matched), None

    def process_request(self: Any, request: Any) -> Any:
        parsed_url, _ = get_equivalent_url_in_aws_domain(request.url)
        clean_url = f"{parsed_url.scheme}://{parsed_url.netloc}{parsed_url.path}"
        if passthrough_url(clean_url):
            return None
        key = (clean_url, enable_iso_regions())
        services, handler = _remembered(routes, key, lambda: route(clean_url))
        for service in services:
            if passthrough_service(service):
                return None
            if not service_whitelisted(service):
                raise ServiceNotWhitelisted(service)
        if handler is None:
            return (404, {}, "Not yet implemented") if aws.match(clean_url) else None
        from moto.moto_api import recorder

        normalized_request = botocore_stubber.normalize_request(request)
        try:
            recorder._record_request(normalized_request)
            status, headers, body = handler(
                normalized_request, normalized_request.raw_url, normalized_request.headers
            )
        except HTTPException as e:
            status = e.code
            headers = e.get_headers()
            body = e.get_body()
        return status, headers, body

    process_request.tuned = True  # type: ignore[attr-defined]
    _replace_per_call(botocore_stubber.BotocoreStubber, "process_request", process_request)


def find_each_action_once() -> None:
    """moto asks its router which operation a request is four times or more per request
    (setup, parameter parsing, the action's name, the serialiser), each a match of the
    request against the service's routes. A request's operation does not change: the
    first answer is kept with the request (and the URI parameters that match set, set
    again on each later ask as moto would)."""
    from moto.core.responses import BaseResponse

    find = BaseResponse.__dict__["_get_action_from_request"]

    def _get_action_from_request(self: Any, request: Any) -> Any:
        known = self.__dict__.get("_tuned_action")
        if known is not None and known[0] is request:
            name, params = known[1], known[2]
            if params is not None:
                self.uri_match = dict(params)
            return name
        name = find(self, request)
        # moto sets uri_match only when the router matched (a name, never None).
        params = dict(self.uri_match) if name is not None else None
        self.__dict__["_tuned_action"] = (request, name, params)
        return name

    _get_action_from_request.tuned = True  # type: ignore[attr-defined]
    _replace_per_call(BaseResponse, "_get_action_from_request", _get_action_from_request)


def parse_each_update_expression_once() -> None:
    """An UpdateItem's UpdateExpression is tokenised and parsed twice per call (the
    handler, then the backend; a transaction's updates once more), some 15 % of an
    UpdateItem's CPU, and the app sends the same few expressions over and over. The
    parsed tree depends on the string alone and nothing changes it once built: its users
    only read it (`find_clauses`) or validate and execute a deep copy of it
    (`Validator.__init__`). So each string's tree is built once; a string that fails to
    parse fails the same way every time (errors are not kept)."""
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]

    make = UpdateExpressionParser.make
    parsed: dict[str, Any] = {}

    def remembered(cls: Any, expression: Any) -> Any:
        if type(expression) is not str:
            return make(expression)
        return _remembered(parsed, expression, lambda: make(expression))

    remembered.tuned = True  # type: ignore[attr-defined]
    _replace_per_call(UpdateExpressionParser, "make", classmethod(remembered))


def lex_each_condition_once() -> None:
    """Condition and filter expressions are split into tokens by trying six regular
    expressions (each looked up in `re`'s cache) at every token, twice per conditional
    write.
    The tokens depend on the string alone and are immutable (named tuples whose children
    lists the parser never changes; each parse builds new nodes from them), so each
    string's tokens are kept and each parse gets its own deque of them."""
    from collections import deque

    from moto.dynamodb.comparisons import ConditionExpressionParser

    lex = ConditionExpressionParser.__dict__["_lex_condition_expression"]
    lexed: dict[str, tuple[Any, ...]] = {}

    def _lex_condition_expression(self: Any) -> Any:
        expression = self.condition_expression
        if type(expression) is not str:
            return lex(self)
        return deque(_remembered(lexed, expression, lambda: tuple(lex(self))))

    _lex_condition_expression.tuned = True  # type: ignore[attr-defined]
    _replace_per_call(
        ConditionExpressionParser, "_lex_condition_expression", _lex_condition_expression
    )


_querying = threading.local()


def query_one_partition() -> None:
    """moto answers a Query on a table's key by listing every item of the table, sorted
    by hash and range key (Python comparisons, O(n log n) in the table's size), then
    keeping the items of the one partition asked for: a Query on a table of 2,000 items
    cost 10 ms of CPU, on one of 10 items 2 ms, and the local stack's tables only grow.
    The table keeps its items by hash key already (a dict whose keys hash and compare as
    DynamoDB's values do), so that listing, for a query on the table itself, is the
    partition's items sorted by the same key: the same items in the same order. A
    query on an index (whose order among equal index keys follows the full listing's)
    and anything else listing the table are left as they are."""
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    query = Table.__dict__["query"]
    every_item = Table.__dict__["all_items"]

    def table_query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        # index_name: the 8th positional argument of moto's Table.query, or a keyword
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if index_name or not isinstance(hash_key, DynamoType):
            return query(self, hash_key, *args, **kwargs)
        _querying.partition = (self, hash_key)
        try:
            return query(self, hash_key, *args, **kwargs)
        finally:
            _querying.partition = None

    def all_items(self: Any) -> Any:
        asked = getattr(_querying, "partition", None)
        if asked is None or asked[0] is not self:
            return every_item(self)
        _querying.partition = None  # the query's one listing of its table
        found = self.items.get(asked[1])
        if found is None:
            return []
        items = list(found.values()) if self.range_key_attr else [found]
        return sorted(items, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)

    table_query.tuned = True  # type: ignore[attr-defined]
    all_items.tuned = True  # type: ignore[attr-defined]
    _replace_per_call(Table, "query", table_query)
    _replace_per_call(Table, "all_items", all_items)


# What werkzeug's `iri_to_uri` leaves as it is in a path (`quote`'s own safe characters and
# those werkzeug adds), and plain host names (lower case, labels of 1 to 63 characters,
# a port without leading zeros): for these its URL handling changes nothing.
_PLAIN_PATH = re.compile(r"(/(?!/)[A-Za-z0-9_.~%!$&'()*+,/:;=@-]*)?")
_PLAIN_HOST = re.compile(r"(?:[a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63}(?::[1-9][0-9]{0,4})?")


def build_each_request_directly() -> None:
    """moto turns each call it answers in-process into a werkzeug request through
    `Request.from_values`: werkzeug's EnvironBuilder parses the URL again, quotes its path,
    encodes the host with IDNA, copies the headers into a `Headers` twice and builds the
    WSGI environ from them (about a tenth of the stubber's CPU). For the calls botocore
    makes (a body of bytes, none, or S3's chunked upload read out as moto reads it; a
    plain host; a path werkzeug would not quote) the environ is written here directly, key
    for key what EnvironBuilder writes (tests/unit/test_moto_tuning.py compares both for
    every call of its scenario and for odd cases); any other request goes through moto's
    own `from_primitives`."""
    import sys
    from io import BytesIO
    from urllib.parse import unquote, urlparse

    from moto.core.request import (
        PRESERVED_HEADER_NAMES_ENVIRON_KEY,
        AwsChunkedWrapper,
        Request,
        environ_key_for_header,
        should_preserve_original_header_name,
    )

    build = Request.__dict__["from_primitives"].__func__

    def from_primitives(cls: Any, method: str, url: str, headers: Any, body: Any = None) -> Any:
        if isinstance(body, AwsChunkedWrapper):  # read out as moto does (S3's uploads)
            body = body.read()
        if body is not None and type(body) is not bytes:
            return build(cls, method, url, headers, body)
        items = [
            (key, value.decode("utf-8") if isinstance(value, bytes) else value)
            for key, value in headers.items()
            if key.lower() not in ["transfer-encoding"]
        ]
        parsed = urlparse(url)
        scheme, host, path = parsed.scheme, parsed.netloc, parsed.path
        if (
            scheme not in ("http", "https")
            or not _PLAIN_HOST.fullmatch(host)
            or not _PLAIN_PATH.fullmatch(path)
            or any(type(v) is not str or "\r" in v or "\n" in v for _, v in items)
        ):
            return build(cls, method, url, headers, body)
        name, _, port = host.partition(":")
        if port and int(port) > 65535:
            return build(cls, method, url, headers, body)
        content_type = next((v for k, v in items if k.lower() == "content-type"), None)
        mimetype = content_type.partition(";")[0].strip() if content_type else None
        if mimetype == "multipart/form-data":
            return build(cls, method, url, headers, body)
        raw_uri = path.encode().decode("latin1")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path).encode().decode("latin1"),
            "QUERY_STRING": parsed.query.encode().decode("latin1"),
            "REQUEST_URI": raw_uri,
            "RAW_URI": raw_uri,
            "SERVER_NAME": name,
            "SERVER_PORT": port or ("443" if scheme == "https" else "80"),
            "HTTP_HOST": host,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scheme,
            "wsgi.input": BytesIO(body or b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        if content_type is not None:
            environ["CONTENT_TYPE"] = content_type
        if body:
            environ["CONTENT_LENGTH"] = str(len(body))
        elif mimetype == "application/x-www-form-urlencoded":
            environ["CONTENT_LENGTH"] = "0"
        combined: dict[str, list[str]] = {}
        for key, value in items:
            if key.lower() not in ("content-type", "content-length"):
                combined.setdefault(f"HTTP_{key.upper().replace('-', '_')}", []).append(value)
        for key, values in combined.items():
            environ[key] = ", ".join(values)
        request = cls(environ)
        # What moto's from_primitives adds to the request werkzeug built.
        request.environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = {
            environ_key_for_header(key): key
            for key, _ in items
            if should_preserve_original_header_name(key)
        }
        request.environ.setdefault("CONTENT_LENGTH", "0")
        return request

    from_primitives.tuned = True  # type: ignore[attr-defined]
    _replace_per_call(Request, "from_primitives", classmethod(from_primitives))


def read_request_bodies_without_preparing() -> None:
    """botocore's signer reads `AWSRequest.body` (to hash it), and that property prepares
    the whole request (URL, headers copied into a new dict, body) only to keep its body:
    some 3 % of the CPU of the tests' AWS calls. Here the body alone, made as `prepare`
    makes it (`_prepare_body`, then str to UTF-8 as the property does). botocore 1.44.18's
    code; another botocore keeps its own."""
    import botocore
    from botocore.awsrequest import AWSRequest

    if botocore.__version__ != "1.44.18":
        return

    def body(self: Any) -> Any:
        found = self._request_preparer._prepare_body(self)
        if isinstance(found, str):
            found = found.encode("utf-8")
        return found

    body.tuned = True  # type: ignore[attr-defined]
    _replace_per_call(AWSRequest, "body", property(body))


def derive_each_host_once() -> None:
    """botocore's signer derives the Host header from the URL twice per request
    (`urlsplit`, port and IPv6 checks), some 2 % of the tests' AWS calls; the host
    depends on the URL alone, so each URL's is kept (errors are not: a bad port fails
    every time). botocore 1.44.18's function; another botocore keeps its own."""
    import botocore
    from botocore import auth

    if botocore.__version__ != "1.44.18":
        return
    derived = functools.lru_cache(maxsize=CACHE_LIMIT)(auth._host_from_url)
    derived.tuned = True  # type: ignore[attr-defined]
    _replace_per_call(auth, "_host_from_url", derived)
