#!/usr/bin/python3
"""Self-test for the SageMaker emulator, driven by botocore (independent client).

Run:  /usr/bin/python3 spec/emulator/test_emulator.py     (about 5 s)
  or  /usr/bin/python3 -m unittest spec/emulator/test_emulator.py
Prints a closing line "N passed, N failed".
"""

import datetime
import http.client
import json
import os
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import botocore.session  # noqa: E402
from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

from emu_model import Validator, load_model  # noqa: E402

AK = "AKIDEXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
EMULATOR = os.path.join(HERE, "sagemaker_emulator.py")
DURATION = 1.0


def job_request(name, **extra):
    req = {
        "AutoMLJobName": name,
        "InputDataConfig": [{
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://bucket/in/"}},
            "TargetAttributeName": "churn",
        }],
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/out/"},
        "RoleArn": "arn:aws:iam::123456789012:role/SageMakerRole",
    }
    req.update(extra)
    return req


class EmulatorTest(unittest.TestCase):
    proc = None

    @classmethod
    def setUpClass(cls):
        cls.proc = subprocess.Popen(
            ["/usr/bin/python3", EMULATOR, "--port", "0", "--job-duration", str(DURATION),
             "--job-limit", "100", "--parent-pid", str(os.getpid())],
            stdout=subprocess.PIPE, stderr=sys.stderr, text=True)
        line = cls.proc.stdout.readline()
        if not line.startswith("PORT "):
            cls.proc.kill()
            raise RuntimeError("emulator did not start: %r" % line)
        cls.port = int(line.split()[1])
        cls.endpoint = "http://127.0.0.1:%d" % cls.port
        cls.model = load_model()[0]
        cls.out_validator = Validator(cls.model, unknown_members=True)

    @classmethod
    def tearDownClass(cls):
        if cls.proc:
            cls.proc.terminate()
            try:
                cls.proc.wait(5)
            except subprocess.TimeoutExpired:
                cls.proc.kill()
            cls.proc.stdout.close()

    def setUp(self):
        self.admin("reset")

    # -- helpers ----------------------------------------------------------
    def client(self, ak=AK, sk=SK, token=None, region=REGION):
        session = botocore.session.get_session()
        return session.create_client(
            "sagemaker", region_name=region, endpoint_url=self.endpoint,
            aws_access_key_id=ak, aws_secret_access_key=sk, aws_session_token=token,
            config=Config(retries={"total_max_attempts": 1}))

    def admin(self, action, args=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("POST", "/_emulator/" + action, body=json.dumps(args or {}))
        resp = conn.getresponse()
        data = json.loads(resp.read())
        conn.close()
        self.assertEqual(resp.status, 200, data)
        return data

    def raw(self, op, params=None, body=None, sk=SK, token=None, headers=None, sign=True,
            method="POST", path="/", conn=None, amz_date=None, unsigned=None):
        """Signed request built with botocore's signer, sent with http.client.
        Returns (status, headers, parsed-or-raw body)."""
        data = body if body is not None else json.dumps(params or {}).encode("utf-8")
        hdrs = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "SageMaker." + op,
                "Host": "127.0.0.1:%d" % self.port}
        hdrs.update(headers or {})
        req = AWSRequest(method=method, url=self.endpoint + path, data=data, headers=hdrs)
        if sign:
            SigV4Auth(Credentials(AK, sk, token), "sagemaker", REGION).add_auth(req)
            if amz_date:  # re-sign with a chosen timestamp
                del req.headers["Authorization"]
                del req.headers["X-Amz-Date"]
                signer = SigV4Auth(Credentials(AK, sk, token), "sagemaker", REGION)
                req.context["timestamp"] = amz_date
                req.headers["X-Amz-Date"] = amz_date
                cr = signer.canonical_request(req)
                sig = signer.signature(signer.string_to_sign(req, cr), req)
                signer._inject_signature_to_request(req, sig)
        for k, v in (unsigned or {}).items():
            req.headers[k] = v
        own = conn is None
        if own:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, path, body=data, headers=dict(req.headers.items()))
        resp = conn.getresponse()
        raw = resp.read()
        if own:
            conn.close()
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw
        return resp.status, resp, parsed

    def assertConforms(self, op, payload):
        shape = self.model["operations"][op]["output"]["shape"]
        problems = self.out_validator.validate(shape, payload)
        self.assertEqual(problems, [], "%s output does not conform" % op)

    def assertApiError(self, fn, code, status=None, contains=None):
        with self.assertRaises(ClientError) as ctx:
            fn()
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        if status is not None:
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status)
        if contains is not None:
            self.assertIn(contains, err["Error"]["Message"])
        return err

    def wait_status(self, client, name, statuses, timeout=DURATION * 4):
        deadline = time.time() + timeout
        while True:
            d = client.describe_auto_ml_job(AutoMLJobName=name)
            if d["AutoMLJobStatus"] in statuses or time.time() > deadline:
                return d
            time.sleep(0.05)

    # -- tests ------------------------------------------------------------
    def test_create_duplicate_and_describe_until_completed(self):
        c = self.client()
        out = c.create_auto_ml_job(**job_request("Churn-1"))
        self.assertEqual(out["AutoMLJobArn"], "arn:aws:sagemaker:us-east-1:123456789012:automl-job/churn-1")
        self.assertEqual(len(out["ResponseMetadata"]["RequestId"]), 36)
        self.assertApiError(lambda: c.create_auto_ml_job(**job_request("CHURN-1")), "ResourceInUse", 400,
                            "already exists")
        status, _, body = self.raw("DescribeAutoMLJob", {"AutoMLJobName": "churn-1"})
        self.assertEqual(status, 200)
        self.assertEqual(body["AutoMLJobStatus"], "InProgress")
        self.assertConforms("DescribeAutoMLJob", body)
        seen = set()
        deadline = time.time() + DURATION * 4
        while time.time() < deadline:
            d = c.describe_auto_ml_job(AutoMLJobName="Churn-1")
            seen.add(d["AutoMLJobSecondaryStatus"])
            if d["AutoMLJobStatus"] == "Completed":
                break
            time.sleep(0.03)
        self.assertEqual(d["AutoMLJobStatus"], "Completed")
        self.assertTrue({"Starting", "ModelTuning"} <= seen, seen)
        best = d["BestCandidate"]
        self.assertEqual(best["CandidateStatus"], "Completed")
        self.assertEqual(best["ObjectiveStatus"], "Succeeded")
        self.assertEqual(best["FinalAutoMLJobObjectiveMetric"]["MetricName"], "F1")
        status, _, body = self.raw("DescribeAutoMLJob", {"AutoMLJobName": "Churn-1"})
        self.assertConforms("DescribeAutoMLJob", body)
        self.assertIsInstance(body["CreationTime"], float)
        self.assertAlmostEqual(body["CreationTime"], time.time(), delta=30)
        self.assertApiError(lambda: c.describe_auto_ml_job(AutoMLJobName="nope"), "ResourceNotFound", 400)

    def test_job_limit(self):
        c = self.client()
        self.admin("set_job_limit", {"limit": 2})
        c.create_auto_ml_job(**job_request("lim-1"))
        c.create_auto_ml_job(**job_request("lim-2"))
        self.assertApiError(lambda: c.create_auto_ml_job(**job_request("lim-3")),
                            "ResourceLimitExceeded", 400, "Maximum number of concurrent AutoML jobs")
        jobs = self.admin("jobs")
        self.assertEqual(jobs["count"], 2)
        self.assertEqual(jobs["jobs"][0]["request"]["AutoMLJobName"], "lim-1")

    def test_stop(self):
        c = self.client()
        c.create_auto_ml_job(**job_request("stop-me"))
        c.stop_auto_ml_job(AutoMLJobName="stop-me")
        d = c.describe_auto_ml_job(AutoMLJobName="stop-me")
        self.assertEqual(d["AutoMLJobStatus"], "Stopping")
        d = self.wait_status(c, "stop-me", ("Stopped",))
        self.assertEqual(d["AutoMLJobStatus"], "Stopped")
        self.assertEqual(d["AutoMLJobSecondaryStatus"], "Stopped")
        self.assertIn("EndTime", d)
        self.assertApiError(lambda: c.stop_auto_ml_job(AutoMLJobName="missing"), "ResourceNotFound")

    def test_failed_job(self):
        c = self.client()
        c.create_auto_ml_job(**job_request("fail-data"))
        d = self.wait_status(c, "fail-data", ("Failed",))
        self.assertEqual(d["AutoMLJobStatus"], "Failed")
        self.assertIn("ClientError", d["FailureReason"])

    def test_list_pagination_and_filters(self):
        c = self.client()
        names = ["list-%d" % i for i in range(7)]
        for n in names:
            c.create_auto_ml_job(**job_request(n))
        c.create_auto_ml_job(**job_request("other"))
        got = []
        pages = 0
        for page in c.get_paginator("list_auto_ml_jobs").paginate(
                NameContains="list-", SortBy="Name", SortOrder="Ascending", PaginationConfig={"PageSize": 3}):
            pages += 1
            got += [s["AutoMLJobName"] for s in page["AutoMLJobSummaries"]]
        self.assertEqual(got, names)
        self.assertEqual(pages, 3)
        status, _, body = self.raw("ListAutoMLJobs", {"MaxResults": 2})
        self.assertEqual(status, 200)
        self.assertConforms("ListAutoMLJobs", body)
        self.assertEqual(len(body["AutoMLJobSummaries"]), 2)
        self.assertIn("NextToken", body)
        # a token is tied to its filters
        status, _, bad = self.raw("ListAutoMLJobs", {"MaxResults": 2, "NextToken": body["NextToken"],
                                                     "NameContains": "zzz"})
        self.assertEqual((status, bad["__type"]), (400, "ValidationException"))
        out = c.list_auto_ml_jobs(StatusEquals="Completed")
        self.assertEqual(out["AutoMLJobSummaries"], [])
        after = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
        self.assertEqual(c.list_auto_ml_jobs(CreationTimeAfter=after)["AutoMLJobSummaries"], [])
        # candidates appear over time, then paginate
        self.wait_status(c, "list-0", ("Completed",))
        cands = []
        for page in c.get_paginator("list_candidates_for_auto_ml_job").paginate(
                AutoMLJobName="list-0", PaginationConfig={"PageSize": 4}):
            cands += page["Candidates"]
        self.assertEqual(len(cands), 10)
        status, _, body = self.raw("ListCandidatesForAutoMLJob", {
            "AutoMLJobName": "list-0", "SortBy": "FinalObjectiveMetricValue", "SortOrder": "Descending"})
        self.assertConforms("ListCandidatesForAutoMLJob", body)
        values = [x["FinalAutoMLJobObjectiveMetric"]["Value"] for x in body["Candidates"]]
        self.assertEqual(values, sorted(values, reverse=True))
        d = c.describe_auto_ml_job(AutoMLJobName="list-0")
        self.assertEqual(d["BestCandidate"]["FinalAutoMLJobObjectiveMetric"]["Value"], values[0])

    def test_signature_checks(self):
        bad = self.client(sk="wrong-secret")
        err = self.assertApiError(lambda: bad.list_auto_ml_jobs(), "InvalidSignatureException", 400,
                                  "The request signature we calculated does not match")
        self.assertIn("Canonical String", err["Error"]["Message"])
        unknown = self.client(ak="AKIDUNKNOWN")
        self.assertApiError(lambda: unknown.list_auto_ml_jobs(), "UnrecognizedClientException", 403,
                            "The security token included in the request is invalid.")
        wrong_region = self.client(region="us-west-2")
        self.assertApiError(lambda: wrong_region.list_auto_ml_jobs(), "InvalidSignatureException", 400,
                            "Credential should be scoped to a valid region")
        # temporary credentials: any token is fine when it is signed
        temp = self.client(token="FQoGZXIvYXdzEXAMPLETOKEN")
        self.assertEqual(temp.list_auto_ml_jobs()["AutoMLJobSummaries"], [])
        # an unsigned token header is refused
        status, _, body = self.raw("ListAutoMLJobs", {}, unsigned={"X-Amz-Security-Token": "tok"})
        self.assertEqual((status, body["__type"]), (400, "InvalidSignatureException"))
        self.assertIn("X-Amz-Security-Token", body["message"])
        status, _, body = self.raw("ListAutoMLJobs", {}, sign=False)
        self.assertEqual((status, body["__type"]), (400, "MissingAuthenticationTokenException"))
        # clock skew: the server clock moves 10 minutes ahead
        self.admin("set_clock_skew", {"seconds": 600})
        self.assertApiError(lambda: self.client().list_auto_ml_jobs(), "InvalidSignatureException", 400,
                            "Signature expired")
        self.admin("set_clock_skew", {"seconds": 0})
        # a request signed with its own (old) timestamp is verified with that timestamp
        old = (datetime.datetime.utcnow() - datetime.timedelta(minutes=4)).strftime("%Y%m%dT%H%M%SZ")
        status, _, body = self.raw("ListAutoMLJobs", {}, amz_date=old)
        self.assertEqual(status, 200, body)

    def test_validation(self):
        c = self.client()
        status, _, body = self.raw("CreateAutoMLJob", {
            "AutoMLJobName": "bad_name!",
            "InputDataConfig": [{"TargetAttributeName": ""}],
            "OutputDataConfig": {"S3OutputPath": "s3://b/o"},
            "RoleArn": "arn:aws:iam::123456789012:role/r",
            "AutoMLJobConfig": {"CompletionCriteria": {"MaxCandidates": 1000}},
            "Bogus": 1,
        })
        self.assertEqual((status, body["__type"]), (400, "ValidationException"))
        msg = body["message"]
        self.assertTrue(msg.startswith("4 validation errors detected: "), msg)
        self.assertIn("Value 'bad_name!' at 'autoMLJobName' failed to satisfy constraint: "
                      "Member must satisfy regular expression pattern", msg)
        self.assertIn("at 'inputDataConfig.1.member.targetAttributeName' failed to satisfy constraint: "
                      "Member must have length greater than or equal to 1", msg)
        self.assertIn("Value '1000' at 'autoMLJobConfig.completionCriteria.maxCandidates'", msg)
        self.assertIn("unknown member 'Bogus'", msg)
        status, _, body = self.raw("CreateAutoMLJob", job_request(
            "x", AutoMLJobConfig={"CompletionCriteria": {"MaxCandidates": 5.0}}))
        self.assertIn("Member must be an integer", body["message"])
        # rules stated only in prose (raw requests: botocore 1.29's model predates AlgorithmsConfig)
        def prose(name, expect, **extra):
            status, _, body = self.raw("CreateAutoMLJob", job_request(name, **extra))
            self.assertEqual((status, body.get("__type")), (400, "ValidationException"), body)
            for text in expect:
                self.assertIn(text, body["message"])
            return body["message"]

        msg = prose("prose", ["autoMLJobConfig.candidateGenerationConfig.algorithmsConfig",
                              "autoMLJobObjective.metricName", "tags.2.member.key"],
                    ProblemType="Regression", AutoMLJobObjective={"MetricName": "F1"},
                    AutoMLJobConfig={"Mode": "AUTO", "CandidateGenerationConfig": {
                        "AlgorithmsConfig": [{"AutoMLAlgorithms": ["xgboost"]}]}},
                    Tags=[{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}])
        self.assertTrue(msg.startswith("3 validation errors detected"), msg)
        prose("hpo", ["HYPERPARAMETER_TUNING", "algorithmsConfig.1.member.autoMLAlgorithms.1.member"],
              AutoMLJobConfig={"Mode": "HYPERPARAMETER_TUNING", "CandidateGenerationConfig": {
                  "AlgorithmsConfig": [{"AutoMLAlgorithms": ["catboost"]}]}})
        prose("vf", ["greater than 0 and less than 1"],
              AutoMLJobConfig={"DataSplitConfig": {"ValidationFraction": 1.0}})
        prose("ep", ["modelDeployConfig.endpointName"],
              ModelDeployConfig={"AutoGenerateEndpointName": True, "EndpointName": "e"})
        channel = job_request("two")["InputDataConfig"][0]
        prose("two", ["at most one channel with ChannelType training"],
              InputDataConfig=[dict(channel), dict(channel)])
        prose("two", ["same TargetAttributeName"],
              InputDataConfig=[dict(channel), dict(channel, ChannelType="validation", TargetAttributeName="o")])
        prose("sw", ["sampleWeightAttributeName"],
              InputDataConfig=[dict(channel, SampleWeightAttributeName="w")])
        ok_status, _, _ = self.raw("CreateAutoMLJob", job_request(
            "ens", InputDataConfig=[dict(channel, SampleWeightAttributeName="w")],
            AutoMLJobConfig={"Mode": "ENSEMBLING", "CandidateGenerationConfig": {
                "AlgorithmsConfig": [{"AutoMLAlgorithms": ["catboost", "xgboost"]}]}}))
        self.assertEqual(ok_status, 200)
        # Unicode tag keys pass (\p{L}), lengths count code points
        ok = c.create_auto_ml_job(**job_request("uni", Tags=[{"Key": "clé été", "Value": "é" * 256}]))
        self.assertIn("AutoMLJobArn", ok)
        self.assertEqual(self.admin("jobs")["count"], 2)

    def test_protocol_errors(self):
        status, resp, body = self.raw("ListAutoMLJobs", body=b"{not json")
        self.assertEqual((status, body["__type"]), (400, "SerializationException"))
        self.assertEqual(resp.getheader("Content-Type"), "application/x-amz-json-1.1")
        self.assertTrue(resp.getheader("x-amzn-RequestId"))
        status, _, body = self.raw("DeleteEverything", {})
        self.assertEqual((status, body["__type"]), (400, "UnknownOperationException"))
        status, _, body = self.raw("ListAutoMLJobs", {}, method="GET")
        self.assertEqual((status, body["__type"]), (400, "UnknownOperationException"))
        status, _, body = self.raw("ListAutoMLJobs", {}, headers={"Content-Type": "application/json"})
        self.assertEqual((status, body["__type"]), (400, "SerializationException"))

    def test_keep_alive(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        for _ in range(3):
            status, resp, _ = self.raw("ListAutoMLJobs", {}, conn=conn)
            self.assertEqual(status, 200)
            self.assertIsNotNone(resp.getheader("Content-Length"))
        self.assertEqual(len(self.admin("requests")["requests"]), 3)
        conn.close()

    def test_faults(self):
        c = self.client()
        self.admin("fault", {"kind": "throttle", "count": 2, "retry_after": 1500})
        status, resp, body = self.raw("ListAutoMLJobs", {})
        self.assertEqual((status, body["__type"]), (400, "ThrottlingException"))
        self.assertEqual(resp.getheader("x-amz-retry-after"), "1500")
        self.assertApiError(lambda: c.list_auto_ml_jobs(), "ThrottlingException", 400)
        self.admin("fault", {"kind": "internal"})
        self.assertApiError(lambda: c.list_auto_ml_jobs(), "InternalFailure", 500)
        self.admin("fault", {"kind": "unavailable"})
        self.assertApiError(lambda: c.list_auto_ml_jobs(), "ServiceUnavailable", 503)
        # close after creating: the job exists but no answer came back
        self.admin("fault", {"kind": "close_after_create", "operation": "CreateAutoMLJob"})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.raw("CreateAutoMLJob", job_request("dropped"))
        self.assertEqual(self.admin("jobs")["count"], 1)
        self.admin("fault", {"kind": "close_before"})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.raw("CreateAutoMLJob", job_request("never"))
        self.assertEqual(self.admin("jobs")["count"], 1)
        self.admin("fault", {"kind": "truncated"})
        with self.assertRaises(http.client.IncompleteRead):
            self.raw("ListAutoMLJobs", {})
        self.admin("fault", {"kind": "non_json"})
        status, _, body = self.raw("ListAutoMLJobs", {})
        self.assertEqual(status, 200)
        self.assertIsInstance(body, bytes)
        self.admin("fault", {"kind": "wrong_content_type", "process": True})
        status, resp, body = self.raw("ListAutoMLJobs", {})
        self.assertEqual(resp.getheader("Content-Type"), "text/html")
        self.admin("fault", {"kind": "huge"})
        status, resp, body = self.raw("ListAutoMLJobs", {})
        self.assertEqual(int(resp.getheader("Content-Length")), 20 * 1024 * 1024)
        self.admin("fault", {"kind": "delay", "delay_ms": 200})
        t0 = time.time()
        self.raw("ListAutoMLJobs", {})
        self.assertGreaterEqual(time.time() - t0, 0.2)
        self.assertEqual(self.admin("faults")["faults"], [])
        log = self.admin("requests")["requests"]
        self.assertEqual(log[0]["fault"], "throttle")


def main():
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(EmulatorTest)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - failed, failed))
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
