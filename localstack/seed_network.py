"""Create, in the emulator, the network an example stack looks up: a VPC tagged Name=NAME and
three private subnets (tier=private) in zones a, b and c. In AWS these already exist; the
emulator starts with only its default VPC. Idempotent: an existing VPC of that name is kept.

    python seed_network.py NAME [NAME ...]
"""

import os
import sys
import zlib

import boto3


def seed(ec2, name, region):
    found = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [name]}])["Vpcs"]
    if found:
        print(f"seed-network: VPC {found[0]['VpcId']} (Name={name}) exists")
        return
    octet = 10 + zlib.crc32(name.encode()) % 200
    vpc = ec2.create_vpc(CidrBlock=f"10.{octet}.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": name}])
    for i, zone in enumerate("abc"):
        subnet = ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"10.{octet}.{i}.0/24", AvailabilityZone=f"{region}{zone}"
        )["Subnet"]["SubnetId"]
        ec2.create_tags(
            Resources=[subnet],
            Tags=[{"Key": "Name", "Value": f"{name}-private-{zone}"}, {"Key": "tier", "Value": "private"}],
        )
    print(f"seed-network: created VPC {vpc} (Name={name}) with 3 private subnets")


def main(names):
    region = os.environ.get("AWS_REGION") or "us-east-1"
    endpoint = os.environ.get("AWS_ENDPOINT_URL") or f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT') or '4566'}"
    ec2 = boto3.client(
        "ec2", region_name=region, endpoint_url=endpoint,
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID") or "test",
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY") or "test",
    )
    for name in names:
        seed(ec2, name, region)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]) if len(sys.argv) > 1 else (print(__doc__), 2)[1])
