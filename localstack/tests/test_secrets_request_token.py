"""Secrets Manager's ClientRequestToken: the version id, and idempotency of a retried call."""

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, uid

TOKEN = "a3b6c9d2-0000-4000-8000-00000000000{}"


@pytest.mark.patch("secretsmanager-client-request-token")
def test_a_retried_create_with_its_token_is_ignored_and_the_token_is_the_version(sm):
    name = uid("sec")
    first = sm.create_secret(Name=name, SecretString="v1", ClientRequestToken=TOKEN.format(1))
    again = sm.create_secret(Name=name, SecretString="v1", ClientRequestToken=TOKEN.format(1))
    assert first["VersionId"] == again["VersionId"] == TOKEN.format(1)
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "v1"
    with pytest.raises(ClientError) as e:
        sm.create_secret(Name=name, SecretString="other", ClientRequestToken=TOKEN.format(1))
    assert error_code(e) == "ResourceExistsException"
    with pytest.raises(ClientError) as e:
        sm.create_secret(Name=name, SecretString="v1", ClientRequestToken=TOKEN.format(2))
    assert error_code(e) == "ResourceExistsException"


@pytest.mark.patch("secretsmanager-client-request-token")
def test_a_retried_put_with_its_token_is_ignored_and_cannot_change_the_version(sm):
    name = uid("sec")
    sm.create_secret(Name=name, SecretString="v1")
    sm.put_secret_value(SecretId=name, SecretString="v2", ClientRequestToken=TOKEN.format(3))
    again = sm.put_secret_value(SecretId=name, SecretString="v2", ClientRequestToken=TOKEN.format(3))
    assert again["VersionId"] == TOKEN.format(3)
    with pytest.raises(ClientError) as e:
        sm.put_secret_value(SecretId=name, SecretString="v3", ClientRequestToken=TOKEN.format(3))
    assert error_code(e) == "ResourceExistsException"
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "v2"
