"""botocore doing the work our build_request does, for bench/run.lua.

usage: python3 peer_botocore.py REQUESTS_JSON RUNS CALLS

Two measurements per request (minimal, maximal), per-call microseconds, one
value per run (median over batches):
  botocore_call_NAME  client.create_auto_ml_job(**params) with a
                      'before-send' handler that returns a canned 200
                      response: validate + serialize + sign + parse, no send
  botocore_core_NAME  ParamValidator + the json serializer + SigV4Auth
                      called directly (the least botocore can do)
Prints "I botocore_version V" and "I python_version V" first.
"""
import json
import platform
import sys
import time

import botocore
import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.credentials import Credentials
from botocore.serialize import create_serializer
from botocore.validate import ParamValidator

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
BATCH = 20
CANNED = b'{"AutoMLJobArn":"arn:aws:sagemaker:us-east-1:123456789012:automl-job/bench"}'


class CannedBody:
    """What AWSResponse reads the body from."""

    def stream(self, **_kwargs):
        yield CANNED


def canned_response(request, **_kwargs):
    headers = {
        "x-amzn-RequestId": "bench-request-id",
        "Content-Type": "application/x-amz-json-1.1",
        "Content-Length": str(len(CANNED)),
    }
    return AWSResponse(request.url, 200, headers, CannedBody())


def time_calls(fn, runs, calls):
    batch = BATCH if calls >= BATCH else 1
    batches = max(1, calls // batch)
    for _ in range(max(1, min(500, calls // 10))):
        fn()
    out = []
    for _ in range(runs):
        samples = []
        for _ in range(batches):
            t0 = time.perf_counter()
            for _ in range(batch):
                fn()
            samples.append((time.perf_counter() - t0) * 1e6 / batch)
        samples.sort()
        n = len(samples)
        out.append(samples[n // 2] if n % 2 else (samples[n // 2 - 1] + samples[n // 2]) / 2)
    return out


def emit(kind, name, values):
    print(kind, name, " ".join(f"{v:.4f}" if isinstance(v, float) else str(v) for v in values))
    sys.stdout.flush()


def main():
    path, runs, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(path, encoding="utf-8") as f:
        requests = json.load(f)
    emit("I", "botocore_version", [botocore.__version__])
    emit("I", "python_version", [platform.python_version()])

    session = botocore.session.get_session()
    client = session.create_client(
        "sagemaker", region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
    )
    client.meta.events.register("before-send.sagemaker.CreateAutoMLJob", canned_response)

    op = client.meta.service_model.operation_model("CreateAutoMLJob")
    serializer = create_serializer("json")
    validator = ParamValidator()
    signer = SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "sagemaker", REGION)
    url = f"https://api.sagemaker.{REGION}.amazonaws.com/"

    def core(params):
        report = validator.validate(params, op.input_shape)
        if report.has_errors():
            raise ValueError(report.generate_report())
        serialized = serializer.serialize_to_request(params, op)
        request = AWSRequest(method="POST", url=url, data=serialized["body"], headers=serialized["headers"])
        signer.add_auth(request)
        return request

    for name in ("minimal", "maximal"):
        params = requests[name]
        out = client.create_auto_ml_job(**params)
        assert out["AutoMLJobArn"], out
        emit("R", "botocore_call_" + name, time_calls(lambda p=params: client.create_auto_ml_job(**p), runs, calls))
        emit("R", "botocore_core_" + name, time_calls(lambda p=params: core(p), runs, calls))


if __name__ == "__main__":
    main()
