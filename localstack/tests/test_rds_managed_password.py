import json

import pytest
from botocore.exceptions import ClientError

from conftest import create_db, describe_db, error_code, uid

pytestmark = pytest.mark.patch("rds-managed-master-password")


def secret_value(sm, arn):
    return json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])


def test_managed_password_gives_master_user_secret_and_a_real_secret(rds, sm):
    ident = uid("db")
    created = create_db(rds, ident, ManageMasterUserPassword=True)
    secret = created["MasterUserSecret"]
    assert secret["SecretStatus"] == "active"
    assert secret["SecretArn"].startswith("arn:aws:secretsmanager:us-east-1:")
    assert secret["KmsKeyId"]
    assert describe_db(rds, ident)["MasterUserSecret"] == secret
    value = secret_value(sm, secret["SecretArn"])
    assert value["username"] == "stackctl"
    assert len(value["password"]) >= 8


def test_secret_kms_key_is_kept(rds):
    key = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    created = create_db(rds, ManageMasterUserPassword=True, MasterUserSecretKmsKeyId=key)
    assert created["MasterUserSecret"]["KmsKeyId"] == key


def test_secret_deleted_with_the_instance(rds, sm):
    ident = uid("db")
    arn = create_db(rds, ident, ManageMasterUserPassword=True)["MasterUserSecret"]["SecretArn"]
    rds.delete_db_instance(DBInstanceIdentifier=ident, SkipFinalSnapshot=True)
    with pytest.raises(ClientError) as e:
        sm.describe_secret(SecretId=arn)
    assert error_code(e) == "ResourceNotFoundException"


def test_password_and_managed_password_together_rejected(rds):
    with pytest.raises(ClientError) as e:
        rds.create_db_instance(DBInstanceIdentifier=uid("db"), Engine="postgres", DBInstanceClass="db.t4g.micro",
                               MasterUsername="u", MasterUserPassword="password123", AllocatedStorage=20,
                               ManageMasterUserPassword=True)
    assert error_code(e) == "InvalidParameterCombination"


def test_modify_turns_management_on_and_off(rds, sm):
    ident = uid("db")
    create_db(rds, ident)
    assert "MasterUserSecret" not in describe_db(rds, ident)
    on = rds.modify_db_instance(DBInstanceIdentifier=ident, ManageMasterUserPassword=True,
                                ApplyImmediately=True)["DBInstance"]
    arn = on["MasterUserSecret"]["SecretArn"]
    assert secret_value(sm, arn)["username"] == "stackctl"
    with pytest.raises(ClientError) as e:  # turning it off needs a password
        rds.modify_db_instance(DBInstanceIdentifier=ident, ManageMasterUserPassword=False, ApplyImmediately=True)
    assert error_code(e) == "InvalidParameterCombination"
    rds.modify_db_instance(DBInstanceIdentifier=ident, ManageMasterUserPassword=False,
                           MasterUserPassword="another-password", ApplyImmediately=True)
    assert "MasterUserSecret" not in describe_db(rds, ident)
    with pytest.raises(ClientError):
        sm.describe_secret(SecretId=arn)
