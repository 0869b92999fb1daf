"""ListSecrets gives each secret's KmsKeyId, as DescribeSecret does."""

import pytest

from conftest import uid

KEY = "arn:aws:kms:us-east-1:000000000000:key/0b2c4d6e-1111-2222-3333-444455556666"


def listed(sm, name):
    entries = sm.list_secrets(Filters=[{"Key": "name", "Values": [name]}])["SecretList"]
    return next(e for e in entries if e["Name"] == name)


@pytest.mark.patch("secretsmanager-list-kms-key-id")
def test_list_secrets_gives_the_key_set_at_create_and_by_update(sm):
    name = uid("sec")
    sm.create_secret(Name=name, SecretString="v1", KmsKeyId=KEY)
    assert listed(sm, name)["KmsKeyId"] == KEY
    other = KEY.replace("6666", "7777")
    sm.update_secret(SecretId=name, KmsKeyId=other)
    assert listed(sm, name)["KmsKeyId"] == other
    assert sm.describe_secret(SecretId=name)["KmsKeyId"] == other


def test_list_secrets_omits_the_key_of_a_secret_on_the_aws_managed_key(sm):
    name = uid("sec")
    sm.create_secret(Name=name, SecretString="v1")
    assert "KmsKeyId" not in listed(sm, name)
