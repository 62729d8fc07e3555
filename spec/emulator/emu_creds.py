"""Credential services of the emulator: STS, the container credentials
endpoint and EC2 instance metadata (IMDSv2), on the emulator's port.

Routes (no conflict with SageMaker's POST / + X-Amz-Target):
  - STS: POST with Content-Type application/x-www-form-urlencoded (any path),
    Action=AssumeRole (SigV4 with service "sts", verified like SageMaker's
    requests) or Action=AssumeRoleWithWebIdentity (unsigned). XML answers as
    AWS sends them (AssumeRoleResponse / ErrorResponse).
  - container: GET /_container/<anything>; checks Authorization when a token
    is configured; JSON {AccessKeyId, SecretAccessKey, Token, Expiration}.
  - IMDSv2: PUT /latest/api/token (X-aws-ec2-metadata-token-ttl-seconds),
    GET /latest/meta-data/iam/security-credentials/[ROLE] with
    X-aws-ec2-metadata-token; requests without a token get 401 (IMDSv1 off).

Every credential handed out is temporary ("ASIA..." key, session token,
expiration) and is accepted by the SageMaker side only with its session token
and until it expires (ExpiredTokenException afterwards).

Admin actions (POST /_emulator/<action>):
  creds_config  {duration, expiration_seconds, imds_role, container_token,
                 web_identity_token}  set any of them; answers the config.
                 duration: default lifetime (s) when the request names none;
                 expiration_seconds: lifetime forced on everything issued
                 (null: off); imds_role: role name (null: no role attached);
                 container_token: Authorization value required (null: none);
                 web_identity_token: the only token accepted (null: any).
  creds_log     {clear}  calls received: service, action, status, role_arn,
                 session_name, source_access_key, web_identity_token,
                 authorization, duration, external_id, error.
  creds_fault   {service: sts|container|imds, status (500), code, message, count (1),
                 skip (0): requests of that service let through before the fault acts}
  creds_issued  list of issued keys: access_key_id, source, role_arn, expiration.
"""

import base64
import datetime
import json
import os
import re
import threading
from urllib.parse import parse_qs, urlsplit

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
ROLE_ARN_RE = re.compile(r"^arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
SESSION_RE = re.compile(r"^[\w+=,.@-]{2,64}$")
ADMIN_ACTIONS = ("creds_config", "creds_log", "creds_fault", "creds_issued")
DEFAULT_CONFIG = {
    "duration": 3600,
    "expiration_seconds": None,
    "imds_role": "lua-sagemaker-instance-role",
    "container_token": None,
    "web_identity_token": None,
}


def _xml_escape(s):
    return (str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _iso(epoch):
    dt = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


def _random_key(prefix, n, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"):
    raw = os.urandom(n)
    return prefix + "".join(alphabet[b % len(alphabet)] for b in raw)


class _StsError(Exception):
    def __init__(self, status, code, message):
        Exception.__init__(self, message)
        self.status, self.code, self.message = status, code, message


class CredentialServices:
    ADMIN_ACTIONS = ADMIN_ACTIONS

    def __init__(self, emu):
        self.emu = emu
        self.lock = threading.RLock()
        self.reset()

    # -- state --------------------------------------------------------------
    def reset(self):
        with self.lock:
            self.config = dict(DEFAULT_CONFIG)
            self.issued = {}
            self.log = []
            self.faults = []
            self.imds_tokens = {}

    def _log(self, entry):
        with self.lock:
            self.log.append(entry)
            del self.log[:-500]

    def _take_fault(self, service):
        with self.lock:
            for i, f in enumerate(self.faults):
                if f["service"] == service:
                    if f["skip"] > 0:  # let this many requests through first
                        f["skip"] -= 1
                        return None
                    return self.faults.pop(i)
        return None

    def _issue(self, source, lifetime, role_arn=None, session_name=None):
        now = self.emu.now()
        forced = self.config.get("expiration_seconds")
        expiration = now + (forced if forced is not None else lifetime)
        akid = _random_key("ASIA", 16)
        secret = base64.b64encode(os.urandom(30)).decode("ascii")
        token = "IQoJb3JpZ2luX2VjE" + base64.b64encode(os.urandom(96)).decode("ascii")
        with self.lock:
            self.issued[akid] = {"secret": secret, "token": token, "expiration": expiration,
                                 "source": source, "role_arn": role_arn,
                                 "session_name": session_name}
        with self.emu.lock:
            self.emu.credentials[akid] = secret
        return akid, secret, token, expiration

    def check_session(self, access_key, headers, now):
        """Issued (temporary) keys need their own session token and must not be expired."""
        from emu_sigv4 import ApiError
        with self.lock:
            info = self.issued.get(access_key)
        if info is None:
            return
        if headers.get("X-Amz-Security-Token") != info["token"]:
            raise ApiError(403, "UnrecognizedClientException",
                           "The security token included in the request is invalid.")
        if now >= info["expiration"]:
            raise ApiError(400, "ExpiredTokenException",
                           "The security token included in the request is expired")

    # -- admin --------------------------------------------------------------
    def admin(self, action, args):
        if action == "creds_config":
            with self.lock:
                for k, v in args.items():
                    if k not in DEFAULT_CONFIG:
                        raise ValueError("unknown creds_config key '%s'; known: %s"
                                         % (k, ", ".join(sorted(DEFAULT_CONFIG))))
                    if k in ("duration", "expiration_seconds") and v is not None and \
                            not isinstance(v, (int, float)):
                        raise ValueError("%s must be a number of seconds" % k)
                    self.config[k] = v
                return dict(self.config)
        if action == "creds_log":
            with self.lock:
                out = {"calls": list(self.log)}
                if args.get("clear"):
                    self.log = []
            return out
        if action == "creds_fault":
            service = args.get("service")
            if service not in ("sts", "container", "imds"):
                raise ValueError("creds_fault needs service: sts, container or imds")
            count = args.get("count", 1)
            if not isinstance(count, int) or count < 1 or count > 1000:
                raise ValueError("count must be an integer 1..1000")
            skip = args.get("skip", 0)
            if not isinstance(skip, int) or skip < 0:
                raise ValueError("skip must be a non-negative integer")
            fault = {"service": service, "status": int(args.get("status", 500)), "skip": skip,
                     "code": args.get("code", "InternalFailure"),
                     "message": args.get("message", "Injected credential service fault.")}
            with self.lock:
                for i in range(count):  # only the first copy waits for `skip` requests
                    self.faults.append(dict(fault, skip=skip if i == 0 else 0))
                return {"queued": len(self.faults)}
        if action == "creds_issued":
            with self.lock:
                return {"issued": [{"access_key_id": k, "source": v["source"],
                                    "role_arn": v["role_arn"], "session_name": v["session_name"],
                                    "expiration": v["expiration"]}
                                   for k, v in self.issued.items()]}
        raise LookupError("unknown admin action '%s'" % action)

    # -- routing ------------------------------------------------------------
    def route(self, handler, path, body, request_id):
        """Answer the request when it is for a credential service; True if answered."""
        ctype = (handler.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        if path.startswith("/latest/"):
            self._imds(handler, path, request_id)
            return True
        if path.startswith("/_container/"):
            self._container(handler, request_id)
            return True
        if handler.command == "POST" and ctype == "application/x-www-form-urlencoded":
            self._sts(handler, body, request_id)
            return True
        return False

    # -- STS ----------------------------------------------------------------
    def _sts(self, handler, body, request_id):
        from emu_sigv4 import ApiError, verify
        entry = {"service": "sts", "action": None, "status": None}
        try:
            try:
                params = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True,
                                                       strict_parsing=False).items()}
            except UnicodeDecodeError:
                raise _StsError(400, "MalformedQueryString", "The request body is not UTF-8.")
            action = params.get("Action")
            entry.update({"action": action, "role_arn": params.get("RoleArn"),
                          "session_name": params.get("RoleSessionName"),
                          "duration": params.get("DurationSeconds"),
                          "external_id": params.get("ExternalId")})
            fault = self._take_fault("sts")
            if fault:
                raise _StsError(fault["status"], fault["code"], fault["message"])
            if params.get("Version") != "2011-06-15":
                raise _StsError(400, "InvalidParameterValue", "Version must be 2011-06-15.")
            if action == "AssumeRole":
                with self.emu.lock:
                    creds = dict(self.emu.credentials)
                try:
                    access_key = verify(handler.command, handler.path, handler.headers, body, creds,
                                        self.emu.region, "sts", self.emu.now())
                    self.check_session(access_key, handler.headers, self.emu.now())
                except ApiError as err:
                    code = {"UnrecognizedClientException": "InvalidClientTokenId",
                            "InvalidSignatureException": "SignatureDoesNotMatch"}.get(err.code, err.code)
                    raise _StsError(err.status, code, err.message)
                entry["source_access_key"] = access_key
                xml = self._assume(params, "AssumeRole", "sts-assume-role")
            elif action == "AssumeRoleWithWebIdentity":
                token = params.get("WebIdentityToken") or ""
                entry["web_identity_token"] = token
                if not token:
                    raise _StsError(400, "ValidationError", "WebIdentityToken is required.")
                want = self.config.get("web_identity_token")
                if want is not None and token != want:
                    raise _StsError(400, "InvalidIdentityToken",
                                    "The web identity token that was passed could not be validated.")
                xml = self._assume(params, "AssumeRoleWithWebIdentity", "sts-web-identity")
            else:
                raise _StsError(400, "InvalidAction", "Could not find operation %s for version "
                                "2011-06-15." % action)
            entry["status"] = 200
            self._log(entry)
            handler._send(200, xml.encode("utf-8"), "text/xml", request_id=request_id)
        except _StsError as err:
            entry["status"], entry["error"] = err.status, err.code
            self._log(entry)
            kind = "Sender" if err.status < 500 else "Receiver"
            xml = ('<ErrorResponse xmlns="%s">\n  <Error>\n    <Type>%s</Type>\n    <Code>%s</Code>\n'
                   '    <Message>%s</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n</ErrorResponse>\n'
                   % (STS_NS, kind, _xml_escape(err.code), _xml_escape(err.message), request_id))
            handler._send(err.status, xml.encode("utf-8"), "text/xml", request_id=request_id)

    def _assume(self, params, action, source):
        role_arn = params.get("RoleArn") or ""
        session = params.get("RoleSessionName") or ""
        if not ROLE_ARN_RE.match(role_arn):
            raise _StsError(400, "ValidationError",
                            "1 validation error detected: Value '%s' at 'roleArn' failed to satisfy "
                            "constraint: Member must be a role ARN" % role_arn)
        if not SESSION_RE.match(session):
            raise _StsError(400, "ValidationError",
                            "1 validation error detected: Value '%s' at 'roleSessionName' failed to "
                            "satisfy constraint: Member must satisfy regular expression pattern: "
                            "[\\w+=,.@-]*" % session)
        duration = self.config["duration"]
        if params.get("DurationSeconds") is not None:
            try:
                duration = int(params["DurationSeconds"])
            except ValueError:
                raise _StsError(400, "ValidationError", "DurationSeconds must be an integer.")
            if not 900 <= duration <= 43200:
                raise _StsError(400, "ValidationError",
                                "1 validation error detected: Value '%d' at 'durationSeconds' failed "
                                "to satisfy constraint: Member must have value between 900 and 43200"
                                % duration)
        akid, secret, token, expiration = self._issue(source, duration, role_arn, session)
        role_name = role_arn.rsplit("/", 1)[-1]
        account = role_arn.split(":")[4]
        extra = ""
        if action == "AssumeRoleWithWebIdentity":
            extra = ("    <SubjectFromWebIdentityToken>system:serviceaccount:default:test"
                     "</SubjectFromWebIdentityToken>\n    <Audience>sts.amazonaws.com</Audience>\n"
                     "    <Provider>oidc.emulator.local</Provider>\n")
        return ('<%sResponse xmlns="%s">\n  <%sResult>\n%s'
                '    <AssumedRoleUser>\n      <Arn>arn:aws:sts::%s:assumed-role/%s/%s</Arn>\n'
                '      <AssumedRoleId>AROAEMULATOR:%s</AssumedRoleId>\n    </AssumedRoleUser>\n'
                '    <Credentials>\n      <AccessKeyId>%s</AccessKeyId>\n'
                '      <SecretAccessKey>%s</SecretAccessKey>\n      <SessionToken>%s</SessionToken>\n'
                '      <Expiration>%s</Expiration>\n    </Credentials>\n  </%sResult>\n'
                '  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n'
                '</%sResponse>\n'
                % (action, STS_NS, action, extra, account, _xml_escape(role_name), _xml_escape(session),
                   _xml_escape(session), akid, _xml_escape(secret), _xml_escape(token), _iso(expiration),
                   action, os.urandom(8).hex(), action))

    # -- container ------------------------------------------------------------
    def _container(self, handler, request_id):
        entry = {"service": "container", "action": "GET " + urlsplit(handler.path).path,
                 "authorization": handler.headers.get("Authorization"), "status": None}
        fault = self._take_fault("container")
        if handler.command != "GET":
            status, payload = 405, {"Code": "MethodNotAllowed", "Message": "Use GET."}
        elif fault:
            status, payload = fault["status"], {"Code": fault["code"], "Message": fault["message"]}
        elif self.config.get("container_token") is not None and \
                entry["authorization"] != self.config["container_token"]:
            status, payload = 401, {"Code": "AccessDenied", "Message": "Invalid authorization token."}
        else:
            akid, secret, token, expiration = self._issue("container", self.config["duration"])
            status, payload = 200, {"AccessKeyId": akid, "SecretAccessKey": secret, "Token": token,
                                    "Expiration": _iso(expiration),
                                    "RoleArn": "arn:aws:iam::123456789012:role/container-role"}
        entry["status"] = status
        self._log(entry)
        handler._send(status, json.dumps(payload).encode("utf-8"), "application/json",
                      request_id=request_id)

    # -- IMDSv2 ---------------------------------------------------------------
    def _imds(self, handler, path, request_id):
        entry = {"service": "imds", "action": "%s %s" % (handler.command, path), "status": None}
        status, text, ctype = self._imds_answer(handler, path)
        entry["status"] = status
        self._log(entry)
        handler._send(status, text.encode("utf-8"), ctype, request_id=request_id)

    def _imds_answer(self, handler, path):
        now = self.emu.now()
        fault = self._take_fault("imds")
        if fault:
            return fault["status"], fault["message"], "text/plain"
        if path == "/latest/api/token":
            if handler.command != "PUT":
                return 405, "Method Not Allowed", "text/plain"
            ttl = handler.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
            try:
                ttl = int(ttl)
            except (TypeError, ValueError):
                return 400, "Missing or invalid X-aws-ec2-metadata-token-ttl-seconds", "text/plain"
            if not 1 <= ttl <= 21600:
                return 400, "Invalid X-aws-ec2-metadata-token-ttl-seconds", "text/plain"
            token = base64.urlsafe_b64encode(os.urandom(42)).decode("ascii")
            with self.lock:
                self.imds_tokens[token] = now + ttl
            return 200, token, "text/plain"
        if handler.command != "GET":
            return 405, "Method Not Allowed", "text/plain"
        token = handler.headers.get("X-aws-ec2-metadata-token")
        with self.lock:
            valid = token is not None and self.imds_tokens.get(token, 0) > now
        if not valid:
            return 401, "Unauthorized", "text/plain"
        prefix = "/latest/meta-data/iam/security-credentials/"
        role = self.config.get("imds_role")
        if path == "/latest/meta-data/placement/region":
            return 200, self.emu.region, "text/plain"
        if path == prefix:
            return (200, role, "text/plain") if role else (404, "Not Found", "text/plain")
        if path.startswith(prefix) and role and path[len(prefix):] == role:
            akid, secret, token, expiration = self._issue("imds", self.config["duration"])
            doc = {"Code": "Success", "LastUpdated": _iso(now), "Type": "AWS-HMAC",
                   "AccessKeyId": akid, "SecretAccessKey": secret, "Token": token,
                   "Expiration": _iso(expiration).replace(".000", "")[:19] + "Z"}
            return 200, json.dumps(doc, indent=2), "text/plain"
        return 404, "Not Found", "text/plain"
