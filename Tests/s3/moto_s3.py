#!/usr/bin/env python3
"""A real S3-compatible server that checks AWS Signature V4, for ScaiDial's storage tests.

Starts `moto_server` (PyPI `moto[server]`) on an ephemeral port with INITIAL_NO_AUTH_ACTION_COUNT
set: the first unauthenticated calls create an IAM user with an allow-all policy and an access key;
from then on every request must be signed with that key. Creates the bucket(s) named on the command
line with the new key, prints one JSON line —
    {"endpoint": "http://127.0.0.1:PORT", "region": "us-east-1", "access_key_id": "...", "secret_access_key": "..."}
— and runs until the test process ends (see Tests/support/lifetime.py), then stops the server.

    python3 Tests/s3/moto_s3.py BUCKET [BUCKET ...]
"""
import json
import os
import re
import subprocess
import sys
import threading

import boto3
from botocore.config import Config

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from lifetime import unblock_signals, wait_for_parent  # noqa: E402

# The IAM calls below: create_user, put_user_policy, create_access_key.
UNAUTHENTICATED_CALLS = 3
REGION = "us-east-1"


def start_moto():
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(UNAUTHENTICATED_CALLS))
    server = subprocess.Popen(
        ["moto_server", "-H", "127.0.0.1", "-p", "0"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in server.stderr:
        match = re.search(r"Running on (http://127\.0\.0\.1:\d+)", line)
        if match:
            # Keep draining its log so the server never blocks on a full pipe.
            threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
            return server, match.group(1)
    raise SystemExit("moto_server did not start: exit %s" % server.wait())


def main():
    unblock_signals()
    buckets = sys.argv[1:]
    server, endpoint = start_moto()
    try:
        anonymous = dict(endpoint_url=endpoint, region_name=REGION,
                         aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
        iam = boto3.client("iam", **anonymous)
        iam.create_user(UserName="scaidial")
        iam.put_user_policy(
            UserName="scaidial", PolicyName="everything",
            PolicyDocument=json.dumps({"Version": "2012-10-17",
                                       "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="scaidial")["AccessKey"]
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name=REGION,
                          aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
                          config=Config(s3={"addressing_style": "path"}))
        for bucket in buckets:
            s3.create_bucket(Bucket=bucket)
        print(json.dumps({"endpoint": endpoint, "region": REGION, "access_key_id": key["AccessKeyId"],
                          "secret_access_key": key["SecretAccessKey"]}), flush=True)
        wait_for_parent()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
