"""Patches to MiniStack's Secrets Manager (ministack/services/secretsmanager.py).

Its ``handle_request`` builds the action -> handler dict on every call from the module's
functions, so replacing ``secretsmanager._create_secret`` and ``_put_secret_value`` takes
effect at once. The state stays in MiniStack's ``_secrets`` (a reset clears it).
"""

import json

from ministack.services import secretsmanager as sm

from .common import patch


def _same_value(version, data):
    return (version.get("SecretString") == data.get("SecretString")
            and version.get("SecretBinary") == data.get("SecretBinary"))


def _exists_error():
    return sm.error_response_json(
        "ResourceExistsException",
        "You can't modify an existing version, you can only create a new version.", 400)


@patch("secretsmanager-client-request-token")
def client_request_token():
    """ClientRequestToken makes CreateSecret and PutSecretValue idempotent, and becomes the new
    version's VersionId: "If a version with this value already exists and that version's
    SecretString and SecretBinary values are the same as those in the request, then the request
    is ignored. If ... different ..., the request fails because you cannot modify an existing
    version." The AWS SDKs fill the token in once per operation, so a retry after a lost
    response is ignored instead of failing with ResourceExistsException. Source: Secrets
    Manager API Reference, CreateSecret and PutSecretValue, ClientRequestToken. MiniStack
    1.5.33 ignored the token on CreateSecret (a random VersionId, and "already exists" on the
    retry) and overwrote the version on PutSecretValue."""
    create, put = sm._create_secret, sm._put_secret_value

    def create_secret(data):
        token = data.get("ClientRequestToken")
        secret = sm._secrets.get(data.get("Name"))
        if token and secret is not None and not secret.get("DeletedDate"):
            version = secret["Versions"].get(token)
            if version is None:
                return create(data)
            if not _same_value(version, data):
                return _exists_error()
            return sm.json_response({"ARN": secret["ARN"], "Name": secret["Name"], "VersionId": token})
        resp = create(data)
        secret = sm._secrets.get(data.get("Name"))
        if token and resp[0] == 200 and secret is not None:
            # The first version's id is the token.
            secret["Versions"] = {token: version for version in secret["Versions"].values()}
            body = json.loads(resp[2])
            body["VersionId"] = token
            return sm.json_response(body)
        return resp

    def put_secret_value(data):
        token = data.get("ClientRequestToken")
        _, secret = sm._resolve(data.get("SecretId"))
        if token and secret is not None and token in secret.get("Versions", {}):
            version = secret["Versions"][token]
            if not _same_value(version, data):
                return _exists_error()
            return sm.json_response({"ARN": secret["ARN"], "Name": secret["Name"], "VersionId": token,
                                     "VersionStages": list(version["Stages"])})
        return put(data)

    sm._create_secret = create_secret
    sm._put_secret_value = put_secret_value


@patch("secretsmanager-list-kms-key-id")
def list_kms_key_id():
    """ListSecrets gives each secret's KmsKeyId, as DescribeSecret does: SecretListEntry has
    "KmsKeyId: The ARN of the KMS key that Secrets Manager uses to encrypt the secret value. If
    the secret is encrypted with the Amazon Web Services managed key aws/secretsmanager, this
    field is omitted." Source: Secrets Manager API Reference, SecretListEntry. MiniStack 1.5.33
    left it out of ListSecrets, so a key set by CreateSecret or UpdateSecret never showed there."""
    list_secrets = sm._list_secrets

    def with_kms_key_id(data):
        resp = list_secrets(data)
        if resp[0] != 200:
            return resp
        body = json.loads(resp[2])
        for entry in body.get("SecretList", []):
            key = sm._secrets.get(entry.get("Name"), {}).get("KmsKeyId")
            if key:
                entry["KmsKeyId"] = key
        return sm.json_response(body)

    sm._list_secrets = with_kms_key_id
