#!/usr/bin/python3
"""Self-test of the emulator's credential services (emu_creds.py), with
botocore as the independent client for STS and plain HTTP for the container
and IMDSv2 endpoints.

Run:  /usr/bin/python3 spec/emulator/test_emu_creds.py     (about 1 s)
Prints a closing line "emulator-creds: N passed, N failed".
"""

import http.client
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import botocore.session  # noqa: E402
from botocore import UNSIGNED  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

AK = "AKIDEXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
EMULATOR = os.path.join(HERE, "sagemaker_emulator.py")
ROLE = "arn:aws:iam::123456789012:role/test-role"


class CredentialServicesTest(unittest.TestCase):
    proc = None

    @classmethod
    def setUpClass(cls):
        cls.proc = subprocess.Popen(
            ["/usr/bin/python3", EMULATOR, "--port", "0", "--parent-pid", str(os.getpid())],
            stdout=subprocess.PIPE, stderr=sys.stderr, text=True)
        line = cls.proc.stdout.readline()
        cls.port = int(line.split()[1])
        cls.url = "http://127.0.0.1:%d" % cls.port
        cls.session = botocore.session.Session()

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(10)
        cls.proc.stdout.close()

    def setUp(self):
        self.admin("reset")

    def admin(self, action, args=None):
        status, body = self.http("POST", "/_emulator/" + action, json.dumps(args or {}))
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def http(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read().decode("utf-8")
        conn.close()
        return resp.status, data

    def client(self, service, **kw):
        kw.setdefault("aws_access_key_id", AK)
        kw.setdefault("aws_secret_access_key", SK)
        return self.session.create_client(service, region_name="us-east-1", endpoint_url=self.url, **kw)

    def test_assume_role_and_chained_use(self):
        sts = self.client("sts")
        out = sts.assume_role(RoleArn=ROLE, RoleSessionName="s1", DurationSeconds=900)
        c = out["Credentials"]
        self.assertTrue(c["AccessKeyId"].startswith("ASIA"))
        self.assertIn("test-role/s1", out["AssumedRoleUser"]["Arn"])
        # The temporary key works for SageMaker only with its session token.
        sm = self.client("sagemaker", aws_access_key_id=c["AccessKeyId"],
                         aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
        self.assertEqual(sm.list_auto_ml_jobs()["AutoMLJobSummaries"], [])
        bad = self.client("sagemaker", aws_access_key_id=c["AccessKeyId"],
                          aws_secret_access_key=c["SecretAccessKey"], aws_session_token="wrong")
        with self.assertRaises(ClientError) as cm:
            bad.list_auto_ml_jobs()
        self.assertEqual(cm.exception.response["Error"]["Code"], "UnrecognizedClientException")
        # Role chaining: AssumeRole signed with temporary credentials.
        sts2 = self.client("sts", aws_access_key_id=c["AccessKeyId"],
                           aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
        self.assertTrue(sts2.assume_role(RoleArn=ROLE, RoleSessionName="s2")["Credentials"]["AccessKeyId"])
        calls = self.admin("creds_log")["calls"]
        self.assertEqual([x["session_name"] for x in calls], ["s1", "s2"])
        self.assertEqual(calls[1]["source_access_key"], c["AccessKeyId"])

    def test_assume_role_errors(self):
        with self.assertRaises(ClientError) as cm:
            self.client("sts", aws_secret_access_key="nope").assume_role(RoleArn=ROLE, RoleSessionName="s0")
        self.assertEqual(cm.exception.response["Error"]["Code"], "SignatureDoesNotMatch")
        with self.assertRaises(ClientError) as cm:
            self.client("sts").assume_role(RoleArn="arn:aws:iam::12345:user/not-a-role", RoleSessionName="s1")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ValidationError")
        self.admin("creds_fault", {"service": "sts", "status": 403, "code": "AccessDenied"})
        with self.assertRaises(ClientError) as cm:
            self.client("sts").assume_role(RoleArn=ROLE, RoleSessionName="s1")
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDenied")

    def test_expired_credentials_are_refused(self):
        self.admin("creds_config", {"expiration_seconds": -1})
        c = self.client("sts").assume_role(RoleArn=ROLE, RoleSessionName="s1")["Credentials"]
        sm = self.client("sagemaker", aws_access_key_id=c["AccessKeyId"],
                         aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
        with self.assertRaises(ClientError) as cm:
            sm.list_auto_ml_jobs()
        self.assertEqual(cm.exception.response["Error"]["Code"], "ExpiredTokenException")

    def test_web_identity(self):
        self.admin("creds_config", {"web_identity_token": "good-token"})
        sts = self.session.create_client("sts", region_name="us-east-1", endpoint_url=self.url,
                                         config=Config(signature_version=UNSIGNED))
        out = sts.assume_role_with_web_identity(RoleArn=ROLE, RoleSessionName="w1",
                                                WebIdentityToken="good-token")
        self.assertTrue(out["Credentials"]["AccessKeyId"].startswith("ASIA"))
        with self.assertRaises(ClientError) as cm:
            sts.assume_role_with_web_identity(RoleArn=ROLE, RoleSessionName="w1", WebIdentityToken="bad-token")
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidIdentityToken")

    def test_container(self):
        self.admin("creds_config", {"container_token": "Bearer abc"})
        status, _ = self.http("GET", "/_container/creds")
        self.assertEqual(status, 401)
        status, body = self.http("GET", "/_container/creds", headers={"Authorization": "Bearer abc"})
        self.assertEqual(status, 200)
        doc = json.loads(body)
        self.assertEqual(sorted(doc), ["AccessKeyId", "Expiration", "RoleArn", "SecretAccessKey", "Token"])

    def test_imds_v2_only(self):
        status, _ = self.http("GET", "/latest/meta-data/iam/security-credentials/")
        self.assertEqual(status, 401)
        status, _ = self.http("PUT", "/latest/api/token")
        self.assertEqual(status, 400)
        status, token = self.http("PUT", "/latest/api/token",
                                  headers={"X-aws-ec2-metadata-token-ttl-seconds": "21600"})
        self.assertEqual(status, 200)
        h = {"X-aws-ec2-metadata-token": token}
        status, role = self.http("GET", "/latest/meta-data/iam/security-credentials/", headers=h)
        self.assertEqual((status, role), (200, "lua-sagemaker-instance-role"))
        status, body = self.http("GET", "/latest/meta-data/iam/security-credentials/" + role, headers=h)
        doc = json.loads(body)
        self.assertEqual(doc["Code"], "Success")
        self.assertRegex(doc["Expiration"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.admin("creds_config", {"imds_role": None})
        status, _ = self.http("GET", "/latest/meta-data/iam/security-credentials/", headers=h)
        self.assertEqual(status, 404)
        self.assertEqual([c["service"] for c in self.admin("creds_log")["calls"]], ["imds"] * 6)


def main():
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(CredentialServicesTest)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    print("emulator-creds: %d passed, %d failed" % (result.testsRun - failed, failed))
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
