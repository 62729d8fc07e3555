#!/usr/bin/python3
"""Local SageMaker (AutoML V1) emulator for lua-sagemaker's tests and demo.

  sagemaker_emulator.py [serve] --port 0 [--port-file F] [--job-limit N] ...
  sagemaker_emulator.py admin --port N ACTION [JSON-ARGS]

The server listens on 127.0.0.1 only, speaks the awsJson1_1 protocol
(POST /, X-Amz-Target: SageMaker.<Op>), verifies SigV4 with botocore's signer,
validates request bodies against the service model (plus the rules the API
reference states only in prose), keeps job state in memory, and injects faults
on demand through an admin API under /_emulator/ (see README.md).

Runs on Debian's /usr/bin/python3 with the standard library, python3-botocore
and (for \\p{..} patterns) python3-regex.
"""

import argparse
import ssl
import http.client
import json
import os
import signal
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

DEFAULT_ACCESS_KEY = "AKIDEXAMPLE"
DEFAULT_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
JSON_CT = "application/x-amz-json-1.1"
TARGET_PREFIX = "SageMaker."
OPERATIONS = ("CreateAutoMLJob", "DescribeAutoMLJob", "StopAutoMLJob", "ListAutoMLJobs",
              "ListCandidatesForAutoMLJob")
MAX_REQUEST_BODY = 32 * 1024 * 1024
REQUEST_LOG_LIMIT = 2000
LOGGED_BODY_LIMIT = 64 * 1024
FAULT_KINDS = {
    "throttle", "internal", "unavailable", "error", "close_before", "close_after",
    "delay", "truncated", "non_json", "wrong_content_type", "huge",
}
FAULT_ALIASES = {
    "throttling": "throttle", "500": "internal", "internal_failure": "internal",
    "503": "unavailable", "service_unavailable": "unavailable",
    "close": "close_before", "close_before_processing": "close_before",
    "close_after_create": "close_after", "close_after_processing": "close_after",
    "truncate": "truncated", "truncated_body": "truncated", "non_json_body": "non_json",
    "content_type": "wrong_content_type", "huge_body": "huge",
}


def _json_bytes(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


# ---------------------------------------------------------------------------
# Emulator state (everything that is not a job lives here)


class Emulator:
    def __init__(self, opts):
        from emu_model import Validator, load_model
        from emu_jobs import JobStore

        self.opts = opts
        self.model, self.model_path = load_model(opts.model)
        self.validator = Validator(self.model, unknown_members=True)
        self.region = opts.region
        self.lock = threading.RLock()
        self.clock_skew = 0.0
        self.default_job_limit = opts.job_limit
        self.default_job_duration = opts.job_duration
        self.credentials = {opts.access_key: opts.secret_key}
        self.faults = []
        self.requests = []
        self.request_seq = 0
        self.store = JobStore(self.model, self.region, opts.job_limit, opts.job_duration, self.now)
        self.ops = {
            "CreateAutoMLJob": self.store.create,
            "DescribeAutoMLJob": self.store.describe,
            "StopAutoMLJob": self.store.stop,
            "ListAutoMLJobs": self.store.list_jobs,
            "ListCandidatesForAutoMLJob": self.store.list_candidates,
        }
        self.server = None
        from emu_creds import CredentialServices  # STS, container, IMDSv2 (emu_creds.py)
        self.creds = CredentialServices(self)

    def now(self):
        return time.time() + self.clock_skew

    # -- faults -----------------------------------------------------------
    def take_fault(self, operation):
        with self.lock:
            for i, fault in enumerate(self.faults):
                want = fault.get("operation")
                if want is None or want == operation:
                    return self.faults.pop(i)
        return None

    def queue_fault(self, args):
        kind = args.get("kind") or args.get("type")
        if not isinstance(kind, str):
            raise ValueError("fault needs 'kind', one of: %s" % ", ".join(sorted(FAULT_KINDS)))
        kind = FAULT_ALIASES.get(kind, kind)
        if kind not in FAULT_KINDS:
            raise ValueError("unknown fault kind '%s'; known: %s" % (kind, ", ".join(sorted(FAULT_KINDS))))
        count = args.get("count", 1)
        if not isinstance(count, int) or count < 1 or count > 10000:
            raise ValueError("count must be an integer 1..10000")
        op = args.get("operation")
        if op is not None and op not in OPERATIONS:
            raise ValueError("operation must be one of %s" % ", ".join(OPERATIONS))
        fault = dict(args)
        fault["kind"] = kind
        fault.pop("count", None)
        fault.pop("type", None)
        with self.lock:
            for _ in range(count):
                self.faults.append(dict(fault))
            return len(self.faults)

    # -- request log ------------------------------------------------------
    def log_request(self, entry):
        with self.lock:
            self.request_seq += 1
            entry["seq"] = self.request_seq
            self.requests.append(entry)
            if len(self.requests) > REQUEST_LOG_LIMIT:
                del self.requests[: len(self.requests) - REQUEST_LOG_LIMIT]

    # -- admin ------------------------------------------------------------
    def admin(self, action, args):
        if action in self.creds.ADMIN_ACTIONS:
            return self.creds.admin(action, args)
        if action in ("health", "ping"):
            return {"ok": True, "pid": os.getpid(), "port": self.server.server_address[1],
                    "region": self.region, "model": self.model_path}
        if action == "reset":
            with self.lock:
                self.faults = []
                self.requests = []
                self.clock_skew = 0.0
                self.credentials = {self.opts.access_key: self.opts.secret_key}
                self.store.reset(self.default_job_limit, self.default_job_duration)
            self.creds.reset()
            return {"ok": True}
        if action in ("config", "set_job_limit", "set_clock_skew", "set_job_duration"):
            if action == "set_job_limit":
                args = {"job_limit": args.get("limit", args.get("job_limit"))}
            elif action == "set_clock_skew":
                args = {"clock_skew": args.get("seconds", args.get("clock_skew"))}
            elif action == "set_job_duration":
                args = {"job_duration": args.get("seconds", args.get("job_duration"))}
            with self.lock:
                if args.get("job_limit") is not None:
                    if not isinstance(args["job_limit"], int) or args["job_limit"] < 0:
                        raise ValueError("job_limit must be a non-negative integer")
                    self.store.job_limit = args["job_limit"]
                if args.get("clock_skew") is not None:
                    if not isinstance(args["clock_skew"], (int, float)):
                        raise ValueError("clock_skew must be a number of seconds")
                    self.clock_skew = float(args["clock_skew"])
                if args.get("job_duration") is not None:
                    if not isinstance(args["job_duration"], (int, float)) or args["job_duration"] < 0:
                        raise ValueError("job_duration must be a non-negative number of seconds")
                    self.store.job_duration = float(args["job_duration"])
                return {"job_limit": self.store.job_limit, "clock_skew": self.clock_skew,
                        "job_duration": self.store.job_duration, "region": self.region}
        if action == "jobs":
            jobs = self.store.admin_jobs()
            return {"jobs": jobs, "count": len(jobs),
                    "in_progress": sum(1 for j in jobs if j["status"] == "InProgress")}
        if action == "fault":
            return {"queued": self.queue_fault(args)}
        if action == "faults":
            with self.lock:
                return {"faults": list(self.faults)}
        if action == "clear_faults":
            with self.lock:
                self.faults = []
            return {"ok": True}
        if action == "requests":
            with self.lock:
                out = {"requests": list(self.requests)}
                if args.get("clear"):
                    self.requests = []
            return out
        if action == "clear_requests":
            with self.lock:
                self.requests = []
            return {"ok": True}
        if action == "credentials":
            ak, sk = args.get("access_key"), args.get("secret_key")
            if not isinstance(ak, str) or not isinstance(sk, str) or not ak or not sk:
                raise ValueError("credentials needs access_key and secret_key strings")
            with self.lock:
                self.credentials[ak] = sk
            return {"ok": True, "access_keys": sorted(self.credentials)}
        if action == "shutdown":
            threading.Thread(target=self.server.shutdown, daemon=True).start()
            return {"ok": True}
        raise LookupError("unknown admin action '%s'" % action)


# ---------------------------------------------------------------------------
# HTTP handler


class _Closed(Exception):
    """The request was answered by closing the connection."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SageMakerEmulator/1.0"
    sys_version = ""
    timeout = 120

    @property
    def emu(self):
        return self.server.emulator

    def log_message(self, fmt, *args):  # noqa: N802 (stdlib name)
        if self.emu.opts.verbose:
            sys.stderr.write("emulator: %s - %s\n" % (self.address_string(), fmt % args))

    def version_string(self):
        return self.server_version

    def date_time_string(self, timestamp=None):
        return BaseHTTPRequestHandler.date_time_string(self, self.emu.now() if timestamp is None else timestamp)

    def do_POST(self):  # noqa: N802
        self._dispatch()

    do_GET = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = do_POST

    # -- low-level I/O ----------------------------------------------------
    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    raise _Closed()
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while True:  # trailers
                        t = self.rfile.readline(65537)
                        if t in (b"\r\n", b"\n", b""):
                            break
                    break
                total += size
                if total > MAX_REQUEST_BODY:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline(3)
            return b"".join(chunks)
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        n = int(length)
        if n < 0:
            raise ValueError("negative Content-Length")
        if n > MAX_REQUEST_BODY:
            return None
        data = self.rfile.read(n)
        if len(data) != n:
            raise _Closed()
        return data

    def _send(self, status, body, content_type=JSON_CT, headers=None, request_id=None,
              close=False, declared_length=None):
        """Write a complete response (or, with declared_length, a truncated one)."""
        self.send_response(status)
        self.send_header("x-amzn-RequestId", request_id or str(uuid.uuid4()))
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if declared_length is None else declared_length))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        if close or self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)
        self.wfile.flush()

    def _send_error(self, status, code, message, request_id, headers=None, close=False):
        self._send(status, _json_bytes({"__type": code, "message": message}), JSON_CT,
                   headers=headers, request_id=request_id, close=close)

    # -- top level --------------------------------------------------------
    def _dispatch(self):
        request_id = str(uuid.uuid4())
        try:
            try:
                body = self._read_body()
            except (ValueError, _Closed):
                self.close_connection = True
                if not isinstance(sys.exc_info()[1], _Closed):
                    self._send_error(400, "SerializationException", "Malformed HTTP request body framing.",
                                     request_id, close=True)
                return
            if body is None:
                self._send_error(413, "RequestEntityTooLargeException",
                                 "Request body exceeds %d bytes." % MAX_REQUEST_BODY, request_id, close=True)
                return
            path = urlsplit(self.path).path
            if path.startswith("/_emulator"):
                self._admin(path, body, request_id)
                return
            if self.emu.creds.route(self, path, body, request_id):
                return
            self._sagemaker(body, request_id)
        except _Closed:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # pragma: no cover - emulator bug
            traceback.print_exc()
            try:
                self._send_error(500, "InternalFailure", "Emulator internal error (see its stderr).",
                                 request_id, close=True)
            except OSError:
                pass

    def _admin(self, path, body, request_id):
        action = path[len("/_emulator"):].strip("/") or "health"
        try:
            args = json.loads(body.decode("utf-8")) if body.strip() else {}
            if not isinstance(args, dict):
                raise ValueError("admin arguments must be a JSON object")
            result = self.emu.admin(action, args)
            status = 200
        except LookupError as exc:
            result, status = {"error": str(exc)}, 404
        except ValueError as exc:
            result, status = {"error": str(exc)}, 400
        self._send(status, _json_bytes(result), "application/json", request_id=request_id)

    def _sagemaker(self, body, request_id):
        target = self.headers.get("X-Amz-Target") or ""
        operation = target[len(TARGET_PREFIX):] if target.startswith(TARGET_PREFIX) else None
        entry = {
            "time": round(self.emu.now(), 3), "method": self.command, "path": self.path,
            "target": target or None, "operation": operation,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": body[:LOGGED_BODY_LIMIT].decode("utf-8", "replace"), "body_length": len(body),
            "request_id": request_id, "status": None, "error_code": None, "fault": None,
        }
        self.emu.log_request(entry)
        fault = self.emu.take_fault(operation)
        if fault:
            entry["fault"] = fault["kind"]
            if self._fault_before(fault, entry, request_id):
                return
        status, payload, headers = self._process(body, operation, request_id)
        entry["status"] = status
        if status >= 300:
            entry["error_code"] = payload.get("__type")
        if fault and self._fault_after(fault, status, payload, headers, request_id):
            return
        self._send(status, _json_bytes(payload), JSON_CT, headers=headers, request_id=request_id)

    # -- faults -----------------------------------------------------------
    def _fault_before(self, fault, entry, request_id):
        """Apply a fault before processing. True when the request is answered."""
        kind = fault["kind"]
        if kind == "delay":
            time.sleep(max(0.0, float(fault.get("delay_ms", fault.get("ms", 1000)))) / 1000.0)
            return False
        if kind == "close_before":
            entry["status"] = 0
            raise _Closed()
        canned = {
            "throttle": (400, "ThrottlingException", "Rate exceeded"),
            "internal": (500, "InternalFailure", "We encountered an internal error. Please try again."),
            "unavailable": (503, "ServiceUnavailable", "Service is unavailable. Please try again later."),
        }
        if kind in canned or kind == "error":
            status, code, message = canned.get(kind, (400, "ValidationException", "Injected error."))
            status = int(fault.get("status", status))
            code = fault.get("code", code)
            message = fault.get("message", message)
            headers = {}
            if fault.get("retry_after") is not None:
                headers["x-amz-retry-after"] = fault["retry_after"]
            body = {}
            if not fault.get("header_only"):
                body["__type"] = fault.get("type_prefix", "") + code + fault.get("type_suffix", "")
            if message is not None:
                body[fault.get("message_key", "message")] = message
            if fault.get("error_type_header"):
                headers["x-amzn-ErrorType"] = code
            entry["status"], entry["error_code"] = status, code
            self._send(status, _json_bytes(body), JSON_CT, headers=headers, request_id=request_id)
            return True
        if kind in ("truncated", "non_json", "wrong_content_type", "huge") and not fault.get("process"):
            entry["status"] = int(fault.get("status", 200))
            self._mangled(fault, entry["status"], None, {}, request_id)
            return True
        return False

    def _fault_after(self, fault, status, payload, headers, request_id):
        kind = fault["kind"]
        if kind == "close_after":
            raise _Closed()
        if kind in ("truncated", "non_json", "wrong_content_type", "huge"):
            self._mangled(fault, int(fault.get("status", status)), payload, headers, request_id)
            return True
        return False

    def _mangled(self, fault, status, payload, headers, request_id):
        kind = fault["kind"]
        if kind == "truncated":
            full = _json_bytes(payload if payload is not None else
                               {"AutoMLJobArn": "arn:aws:sagemaker:%s:123456789012:automl-job/truncated"
                                % self.emu.region, "Padding": "x" * 64})
            cut = int(fault.get("bytes", len(full) // 2))
            self.close_connection = True
            self.send_response(status)
            self.send_header("x-amzn-RequestId", request_id)
            self.send_header("Content-Type", JSON_CT)
            self.send_header("Content-Length", str(len(full)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(full[:cut])
            self.wfile.flush()
            raise _Closed()
        if kind == "non_json":
            body = fault.get("body", "<html><body><h1>502 Bad Gateway</h1></body></html>\n").encode("utf-8")
            self._send(status, body, fault.get("content_type", JSON_CT), headers=headers, request_id=request_id)
            return
        if kind == "wrong_content_type":
            body = _json_bytes(payload) if payload is not None else fault.get("body", "{}").encode("utf-8")
            self._send(status, body, fault.get("content_type", "text/html"), headers=headers,
                       request_id=request_id)
            return
        if kind == "huge":
            size = int(fault.get("size", 20 * 1024 * 1024))
            head, tail = b'{"Padding":"', b'"}'
            fill = max(0, size - len(head) - len(tail))
            self.send_response(status)
            self.send_header("x-amzn-RequestId", request_id)
            self.send_header("Content-Type", JSON_CT)
            self.send_header("Content-Length", str(len(head) + fill + len(tail)))
            self.end_headers()
            self.wfile.write(head)
            block = b"x" * 65536
            while fill > 0:
                self.wfile.write(block[:fill])
                fill -= min(fill, len(block))
            self.wfile.write(tail)
            self.wfile.flush()
            return
        raise AssertionError(kind)

    # -- the service ------------------------------------------------------
    def _process(self, body, operation, request_id):
        """Run the SageMaker request; returns (status, payload_dict, headers)."""
        from emu_sigv4 import ApiError, verify
        from emu_model import summary_message, prune
        from emu_jobs import prose_rule_errors

        emu = self.emu
        try:
            split = urlsplit(self.path)
            if self.command != "POST":
                raise ApiError(400, "UnknownOperationException",
                               "The awsJson1_1 protocol uses POST /; got %s." % self.command)
            if split.path != "/":
                raise ApiError(400, "UnknownOperationException",
                               "The awsJson1_1 protocol uses POST /; got path '%s'." % split.path)
            target = self.headers.get("X-Amz-Target")
            if not target:
                raise ApiError(400, "UnknownOperationException", "Missing X-Amz-Target header.")
            if operation is None or operation not in OPERATIONS:
                raise ApiError(400, "UnknownOperationException",
                               "Unknown operation '%s': this emulator implements %s."
                               % (target, ", ".join(TARGET_PREFIX + o for o in OPERATIONS)))
            ctype = (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
            if ctype != JSON_CT:
                raise ApiError(400, "SerializationException",
                               "Unsupported Content-Type '%s'; expected %s."
                               % (self.headers.get("Content-Type"), JSON_CT))
            with emu.lock:
                creds = dict(emu.credentials)
            access_key = verify(self.command, self.path, self.headers, body, creds, emu.region, "sagemaker",
                                emu.now())
            emu.creds.check_session(access_key, self.headers, emu.now())
            try:
                text = body.decode("utf-8")
                params = json.loads(text, parse_constant=_reject_constant) if text.strip() else {}
            except (UnicodeDecodeError, ValueError) as exc:
                raise ApiError(400, "SerializationException", "Could not parse the request body as JSON: %s"
                               % exc)
            if not isinstance(params, dict):
                raise ApiError(400, "SerializationException", "The request body must be a JSON object.")
            op_model = emu.model["operations"][operation]
            input_shape = op_model["input"]["shape"]
            errors = emu.validator.validate(input_shape, params)
            if operation == "CreateAutoMLJob" and not errors:
                errors = prose_rule_errors(params)
            if errors:
                raise ApiError(400, "ValidationException", summary_message(errors))
            result = emu.ops[operation](params)
            output = op_model.get("output")
            if output:
                result = prune(emu.model, output["shape"], result)
                problems = emu.validator.validate(output["shape"], result)
                if problems:
                    sys.stderr.write("emulator: BUG: %s response does not conform: %s\n"
                                     % (operation, problems))
                    raise ApiError(500, "InternalFailure",
                                   "Emulator bug: response does not conform to %s: %s"
                                   % (output["shape"], summary_message(problems)))
            return 200, result, {}
        except ApiError as err:
            return err.status, {"__type": err.code, "message": err.message}, err.headers


def _reject_constant(name):
    raise ValueError("invalid JSON constant %s" % name)


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, handler, emulator):
        self.emulator = emulator
        ThreadingHTTPServer.__init__(self, address, handler)


# ---------------------------------------------------------------------------
# Entry points


def _watch_parent(pid, server):
    while True:
        time.sleep(0.5)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.stderr.write("emulator: parent %d is gone; exiting\n" % pid)
            server.shutdown()
            return
        except PermissionError:
            pass


def serve(argv):
    p = argparse.ArgumentParser(prog="sagemaker_emulator.py", description="Local SageMaker AutoML emulator")
    p.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 picks a free one)")
    p.add_argument("--port-file", help="also write the port number to this file")
    p.add_argument("--job-limit", type=int, default=100, help="max concurrent InProgress jobs")
    p.add_argument("--access-key", default=DEFAULT_ACCESS_KEY)
    p.add_argument("--secret-key", default=DEFAULT_SECRET_KEY)
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--model", help="service model JSON (botocore form)")
    p.add_argument("--job-duration", type=float, default=2.0, help="seconds for a job to complete")
    p.add_argument("--parent-pid", type=int, help="exit when this process is gone")
    p.add_argument("--max-lifetime", type=float, default=0, help="exit after this many seconds (0: never)")
    p.add_argument("--verbose", action="store_true", help="log each HTTP request to stderr")
    p.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate (needs --tls-key)")
    p.add_argument("--tls-key", help="PEM private key for --tls-cert")
    opts = p.parse_args(argv)

    emulator = Emulator(opts)
    server = EmulatorServer(("127.0.0.1", opts.port), Handler, emulator)
    emulator.server = server
    port = server.server_address[1]
    if opts.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(opts.tls_cert, opts.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)

    def _stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if opts.parent_pid:
        threading.Thread(target=_watch_parent, args=(opts.parent_pid, server), daemon=True).start()
    if opts.max_lifetime and opts.max_lifetime > 0:
        timer = threading.Timer(opts.max_lifetime, server.shutdown)
        timer.daemon = True
        timer.start()

    if opts.port_file:
        tmp = "%s.tmp.%d" % (opts.port_file, os.getpid())
        with open(tmp, "w") as fh:
            fh.write("%d\n" % port)
        os.replace(tmp, opts.port_file)
    sys.stdout.write("PORT %d\n" % port)
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


def admin_cli(argv):
    p = argparse.ArgumentParser(prog="sagemaker_emulator.py admin",
                                description="Call the emulator's admin API and print the JSON answer")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--https", action="store_true", help="the emulator serves HTTPS (certificate not checked)")
    p.add_argument("action")
    p.add_argument("args", nargs="?", default="{}", help="JSON object of arguments")
    opts = p.parse_args(argv)
    try:
        json.loads(opts.args)
    except ValueError as exc:
        sys.stderr.write("admin: arguments are not JSON: %s\n" % exc)
        return 2
    try:
        if opts.https:
            conn = http.client.HTTPSConnection(opts.host, opts.port, timeout=opts.timeout,
                                               context=ssl._create_unverified_context())
        else:
            conn = http.client.HTTPConnection(opts.host, opts.port, timeout=opts.timeout)
        conn.request("POST", "/_emulator/" + opts.action, body=opts.args.encode("utf-8"),
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
    except OSError as exc:
        sys.stderr.write("admin: cannot reach emulator on %s:%d: %s\n" % (opts.host, opts.port, exc))
        return 3
    sys.stdout.write(data.decode("utf-8") + "\n")
    sys.stdout.flush()
    return 0 if 200 <= resp.status < 300 else 1


def main(argv):
    if argv and argv[0] == "admin":
        return admin_cli(argv[1:])
    if argv and argv[0] == "serve":
        argv = argv[1:]
    return serve(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
