#!/usr/bin/python3
"""Independent SigV4 reference for the specs: signs a request with botocore.

Reads one JSON object on stdin: {"method", "url", "headers": {name: value},
"body", "time" (epoch seconds), "access_key_id", "secret_access_key",
"session_token" (optional), "region", "service"} and prints the
Authorization header value botocore computes, signing exactly the headers
given (botocore adds X-Amz-Date and, with a token, X-Amz-Security-Token).
"""
import datetime
import json
import sys
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main():
    spec = json.load(sys.stdin)
    creds = Credentials(spec["access_key_id"], spec["secret_access_key"], spec.get("session_token"))
    headers = {k: v for k, v in spec["headers"].items()
               if k.lower() not in ("authorization", "x-amz-date", "x-amz-security-token", "user-agent")}
    request = AWSRequest(method=spec["method"], url=spec["url"], data=spec["body"].encode(),
                         headers=headers)
    when = datetime.datetime.fromtimestamp(spec["time"], tz=datetime.timezone.utc)
    with mock.patch("botocore.auth.datetime") as dt:
        dt.datetime.utcnow.return_value = when.replace(tzinfo=None)
        dt.datetime.now.return_value = when
        SigV4Auth(creds, spec["service"], spec["region"]).add_auth(request)
    print(request.headers["Authorization"])


if __name__ == "__main__":
    main()
