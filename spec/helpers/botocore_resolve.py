"""Print, as one JSON line, what botocore resolves from the current environment
and shared files: the access key id, the region and the SageMaker endpoint.
Used by spec/lua/botocore_compat_spec.lua to compare with lua-sagemaker.

  python3 botocore_resolve.py [PROFILE]     (PROFILE: like --profile / Session(profile=...))

Never prints a secret. Errors come back as {"error": "<ExceptionClass>", "message": ...}.
"""
import json
import sys


def main():
    try:
        import botocore
        import botocore.session
    except ImportError as exc:  # the spec checks this first; belt and braces
        print(json.dumps({"error": "ImportError", "message": str(exc)}))
        return 0
    out = {"botocore": botocore.__version__}
    try:
        profile = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else None
        session = botocore.session.Session(profile=profile)
        client = session.create_client("sagemaker")
        out["region"] = client.meta.region_name
        out["endpoint"] = client.meta.endpoint_url
        creds = session.get_credentials()
        out["access_key"] = creds.get_frozen_credentials().access_key if creds else None
        out["method"] = creds.method if creds else None
    except Exception as exc:  # noqa: BLE001 - report any resolution failure
        out["error"] = type(exc).__name__
        out["message"] = str(exc)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
