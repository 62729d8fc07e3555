"""SigV4 verification for the SageMaker emulator.

The signature is recomputed with botocore's own SigV4Auth (not with the
project's signer), from the request as received: method, path and query, the
headers named in SignedHeaders (with their received values, including Host),
the body, and the request's own X-Amz-Date. The result is compared in constant
time.

verify(...) returns the access key id on success and raises ApiError otherwise.
"""

import datetime
import hashlib
import hmac
import re

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

ALGORITHM = "AWS4-HMAC-SHA256"
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_SKEW_SECONDS = 300

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)


class ApiError(Exception):
    """An AWS-shaped error: HTTP status, error code, message."""

    def __init__(self, status, code, message, headers=None):
        Exception.__init__(self, "%s: %s" % (code, message))
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


class _ReceivedRequestSigner(SigV4Auth):
    """SigV4Auth that signs exactly the headers the client said it signed.

    Only the canonicalisation/signing steps of botocore are used; add_auth()
    (which would stamp the current clock into X-Amz-Date) is never called.
    """

    def __init__(self, credentials, service_name, region_name, signed_names):
        SigV4Auth.__init__(self, credentials, service_name, region_name)
        self._signed_names = set(signed_names)

    def headers_to_sign(self, request):
        header_map = HTTPHeaders()
        for name, value in request.headers.items():
            lname = name.lower()
            if lname in self._signed_names:
                header_map[lname] = value
        return header_map


_AUTH_PARAM_RE = re.compile(r"\s*([A-Za-z]+)\s*=\s*([^,\s]*)\s*")


def parse_authorization(value):
    """Split 'AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...'."""
    value = value.strip()
    algo, _, rest = value.partition(" ")
    params = {}
    for part in rest.split(","):
        if not part.strip():
            continue
        m = _AUTH_PARAM_RE.fullmatch(part)
        if not m:
            raise ApiError(400, "IncompleteSignatureException",
                           "Authorization header requires 'Credential', 'SignedHeaders' and "
                           "'Signature' parameters separated by commas. Authorization=%s" % value)
        params[m.group(1)] = m.group(2)
    return algo, params


def _fmt(dt):
    return dt.strftime(AMZ_DATE_FORMAT)


def verify(method, raw_path, headers, body, credentials, region, service, now):
    """Verify a SigV4-signed request.

    headers: an email.message.Message-like object (http.server's self.headers).
    credentials: dict access_key -> secret_key.
    now: server clock (epoch seconds, skew already applied).
    """
    auth = headers.get("Authorization")
    if auth is None or not auth.strip():
        raise ApiError(400, "MissingAuthenticationTokenException", "Missing Authentication Token")
    algo, params = parse_authorization(auth)
    if algo != ALGORITHM:
        raise ApiError(400, "IncompleteSignatureException",
                       "Unsupported AWS 'algorithm': '%s' (expected %s). Authorization=%s"
                       % (algo, ALGORITHM, auth))
    missing = [p for p in ("Credential", "SignedHeaders", "Signature") if not params.get(p)]
    if missing:
        raise ApiError(400, "IncompleteSignatureException",
                       " ".join("Authorization header requires '%s' parameter." % p for p in missing)
                       + " Authorization=%s" % auth)
    cred_parts = params["Credential"].split("/")
    if len(cred_parts) != 5:
        raise ApiError(400, "IncompleteSignatureException",
                       "Credential must have exactly 5 slash-delimited elements, e.g. "
                       "keyid/date/region/service/term, got '%s'" % params["Credential"])
    access_key, scope_date, scope_region, scope_service, terminator = cred_parts

    amz_date = headers.get("X-Amz-Date")
    if amz_date is None:
        raise ApiError(400, "IncompleteSignatureException",
                       "Authorization header requires existence of a 'X-Amz-Date' header. "
                       "Authorization=%s" % auth)
    amz_date = amz_date.strip()
    try:
        request_time = datetime.datetime.strptime(amz_date, AMZ_DATE_FORMAT).replace(
            tzinfo=datetime.timezone.utc)
    except ValueError:
        raise ApiError(400, "IncompleteSignatureException",
                       "Date must be in ISO-8601 'basic format'. Got '%s'. "
                       "Expected the form 20150830T123600Z." % amz_date)

    secret = credentials.get(access_key)
    if secret is None:
        raise ApiError(403, "UnrecognizedClientException",
                       "The security token included in the request is invalid.")

    if scope_date != amz_date[:8]:
        raise ApiError(400, "InvalidSignatureException",
                       "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                       "date from HTTP: '%s' != '%s', from '%s'." % (scope_date, amz_date[:8], amz_date))
    if scope_region != region:
        raise ApiError(400, "InvalidSignatureException",
                       "Credential should be scoped to a valid region, not '%s'. " % scope_region)
    if scope_service != service:
        raise ApiError(400, "InvalidSignatureException",
                       "Credential should be scoped to correct service: '%s'. " % service)
    if terminator != "aws4_request":
        raise ApiError(400, "InvalidSignatureException",
                       "Credential should be scoped with a valid terminator: 'aws4_request', "
                       "not '%s'. " % terminator)

    signed_names = [n.strip().lower() for n in params["SignedHeaders"].split(";") if n.strip()]
    if "host" not in signed_names:
        raise ApiError(400, "InvalidSignatureException",
                       "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    if "x-amz-date" not in signed_names:
        raise ApiError(400, "InvalidSignatureException",
                       "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.")
    if headers.get("X-Amz-Security-Token") is not None and "x-amz-security-token" not in signed_names:
        raise ApiError(400, "InvalidSignatureException",
                       "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization.")

    content_sha = headers.get("X-Amz-Content-SHA256")
    if content_sha is not None and content_sha.strip() != hashlib.sha256(body).hexdigest():
        raise ApiError(400, "InvalidSignatureException",
                       "The provided 'x-amz-content-sha256' header does not match what was computed.")

    # Rebuild the request with only the signed headers, as received.
    host = headers.get("Host", "")
    req_headers = HTTPHeaders()
    for name in signed_names:
        for value in headers.get_all(name) or []:
            req_headers[name] = value
    request = AWSRequest(method=method, url="http://%s%s" % (host, raw_path),
                         headers=req_headers, data=body)
    request.context["timestamp"] = amz_date
    signer = _ReceivedRequestSigner(Credentials(access_key, secret), scope_service,
                                    scope_region, signed_names)
    canonical_request = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical_request)
    expected = signer.signature(string_to_sign, request)
    if not hmac.compare_digest(expected.encode("ascii"), params["Signature"].encode("ascii", "replace")):
        raise ApiError(400, "InvalidSignatureException",
                       SIGNATURE_MISMATCH
                       + "\n\nThe Canonical String for this request should have been\n'%s'\n\n"
                         "The String-to-Sign should have been\n'%s'\n" % (canonical_request, string_to_sign))

    server_time = datetime.datetime.fromtimestamp(now, tz=datetime.timezone.utc).replace(microsecond=0)
    delta = (request_time - server_time).total_seconds()
    window = datetime.timedelta(seconds=MAX_SKEW_SECONDS)
    if delta < -MAX_SKEW_SECONDS:
        raise ApiError(400, "InvalidSignatureException",
                       "Signature expired: %s is now earlier than %s (%s - 5 min.)"
                       % (amz_date, _fmt(server_time - window), _fmt(server_time)))
    if delta > MAX_SKEW_SECONDS:
        raise ApiError(400, "InvalidSignatureException",
                       "Signature not yet current: %s is still later than %s (%s + 5 min.)"
                       % (amz_date, _fmt(server_time + window), _fmt(server_time)))
    return access_key
