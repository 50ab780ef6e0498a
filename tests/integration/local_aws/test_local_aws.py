"""LocalAws: loopback and TLS only, accounts as in AWS, lifecycle, and each model adjustment
observed through the AWS APIs (boto3 against the running emulator)."""

from __future__ import annotations

import json
import os
import socket
import ssl
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from local_aws.emulator import LocalAws

pytestmark = [pytest.mark.emulator]

DEV_ACCOUNT = "111111111111"
DEPLOYER = "platform-deployer"


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (Linux /proc)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, _, state = line.split()[1:4]
            address, port_hex = local.rsplit(":", 1)
            if int(port_hex, 16) == port and state == "0A":
                found.add(address)
    return found


def test_listens_on_loopback_only_and_speaks_tls(local_aws):
    assert _listening_addresses(local_aws.port) == {"0100007F"}  # 127.0.0.1, nothing else
    context = ssl.create_default_context(cafile=str(local_aws.ca_bundle))
    with socket.create_connection(("127.0.0.1", local_aws.port)) as raw, \
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
        urllib.request.urlopen(local_aws.endpoint, context=ssl.create_default_context(), timeout=5)  # noqa: S310


def test_env_points_clients_at_the_emulator_only(local_aws, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "a-real-token")
    env = local_aws.process_env()
    assert env["AWS_ENDPOINT_URL"] == f"https://127.0.0.1:{local_aws.port}"
    assert (env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]) == ("test", "test")
    assert env["AWS_CA_BUNDLE"] == str(local_aws.ca_bundle)
    assert "AWS_PROFILE" not in env and "AWS_SESSION_TOKEN" not in env
    assert env["AWS_CONFIG_FILE"] == os.devnull


def test_credentials_select_accounts_as_in_aws(local_aws):
    assert local_aws.client("sts").get_caller_identity()["Account"] == local_aws.account_id
    role_arn = local_aws.create_role(DEV_ACCOUNT, DEPLOYER)
    assert role_arn == f"arn:aws:iam::{DEV_ACCOUNT}:role/{DEPLOYER}"
    dev = lambda service: local_aws.client(service, role_arn=role_arn)  # noqa: E731
    assert dev("sts").get_caller_identity()["Account"] == DEV_ACCOUNT
    dev("ec2").create_vpc(CidrBlock="10.99.0.0/16")
    cidrs = lambda client: {v["CidrBlock"] for v in client.describe_vpcs()["Vpcs"]}  # noqa: E731
    assert "10.99.0.0/16" in cidrs(dev("ec2"))
    assert "10.99.0.0/16" not in cidrs(local_aws.client("ec2"))


@pytest.mark.parametrize(("case", "role_account", "trusted_account"), [
    ("role does not exist", None, None),
    ("role trusts another account", DEV_ACCOUNT, "999999999999"),
])
def test_assume_role_is_refused_like_aws_does(local_aws, case, role_account, trusted_account):
    if role_account:
        local_aws.create_role(role_account, DEPLOYER, trusted_account_id=trusted_account)
    with pytest.raises(ClientError, match="AccessDenied"):
        local_aws.client("sts", role_arn=f"arn:aws:iam::{DEV_ACCOUNT}:role/{DEPLOYER}")


def test_detached_emulator_is_found_again_and_stopped(tmp_path):
    run_dir = tmp_path / "run"
    started = LocalAws(account_id="444444444444", region="eu-west-1", run_dir=run_dir, detach=True).start()
    try:
        attached = LocalAws.attach(run_dir)
        assert (attached.pid, attached.port) == (started.pid, started.port)
        assert attached.client("sts").get_caller_identity()["Account"] == "444444444444"
    finally:
        LocalAws.attach(run_dir).stop()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(started.pid):
        time.sleep(0.1)
    assert not _alive(started.pid)
    assert LocalAws.attach(run_dir) is None


def _alive(pid: int) -> bool:
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_detach_needs_a_run_directory():
    with pytest.raises(ValueError, match="detach=True needs a run_dir"):
        LocalAws(account_id="444444444444", region="eu-west-1", detach=True)


def test_unknown_actions_fail_at_once_with_a_client_error(local_aws):
    started = time.monotonic()
    with pytest.raises(ClientError, match=r"InvalidAction.*DescribeGlobalReplicationGroups is not implemented"):
        local_aws.client("elasticache").describe_global_replication_groups()
    assert time.monotonic() - started < 5


def test_aws_managed_policies_exist(local_aws):
    policy = local_aws.client("iam").get_policy(PolicyArn="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy")
    assert policy["Policy"]["PolicyName"] == "AmazonEKSClusterPolicy"


def _tls_only(bucket: str) -> str:
    arn = f"arn:aws:s3:::{bucket}"
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"],
         "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}},
    ]})


def test_tls_only_bucket_policy_lets_https_through(local_aws):
    s3 = local_aws.client("s3")
    s3.create_bucket(Bucket="tls-only", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_policy(Bucket="tls-only", Policy=_tls_only("tls-only"))
    s3.put_object(Bucket="tls-only", Key="state", Body=b"{}")
    assert s3.get_object(Bucket="tls-only", Key="state")["Body"].read() == b"{}"


def test_access_logging_needs_a_delivery_grant_in_the_target_policy(local_aws):
    s3 = local_aws.client("s3")
    for bucket in ("source", "logs"):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    logging = {"LoggingEnabled": {"TargetBucket": "logs", "TargetPrefix": "s3/source/"}}
    s3.put_bucket_policy(Bucket="logs", Policy=_tls_only("logs"))  # "*" principals: moto used to fail here
    with pytest.raises(ClientError, match="InvalidTargetBucketForLogging"):
        s3.put_bucket_logging(Bucket="source", BucketLoggingStatus=logging)
    policy = json.loads(_tls_only("logs"))
    policy["Statement"].append({"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
                                "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/s3/source/*"})
    s3.put_bucket_policy(Bucket="logs", Policy=json.dumps(policy))
    s3.put_bucket_logging(Bucket="source", BucketLoggingStatus=logging)
    assert s3.get_bucket_logging(Bucket="source")["LoggingEnabled"]["TargetPrefix"] == "s3/source/"


def test_msk_configurations_clusters_and_brokers(local_aws):
    kafka = local_aws.client("kafka")
    configuration = kafka.create_configuration(Name="brokers", KafkaVersions=["3.8.x"],
                                               ServerProperties=b"auto.create.topics.enable=false\n")
    arn = configuration["Arn"]
    assert configuration["LatestRevision"]["Revision"] == 1
    assert kafka.update_configuration(Arn=arn, ServerProperties=b"min.insync.replicas=2\n")["LatestRevision"][
        "Revision"] == 2
    assert kafka.describe_configuration_revision(Arn=arn, Revision=1)["ServerProperties"] == \
        b"auto.create.topics.enable=false\n"
    cluster = kafka.create_cluster(
        ClusterName="events", KafkaVersion="3.8.x", NumberOfBrokerNodes=3,
        BrokerNodeGroupInfo={"ClientSubnets": ["subnet-a", "subnet-b", "subnet-c"], "InstanceType": "kafka.m7g.large"},
        ClientAuthentication={"Sasl": {"Iam": {"Enabled": True}}, "Unauthenticated": {"Enabled": False}},
        EncryptionInfo={"EncryptionInTransit": {"ClientBroker": "TLS", "InCluster": True}},
        ConfigurationInfo={"Arn": arn, "Revision": 2})
    assert cluster["State"] == "CREATING"
    assert kafka.describe_cluster(ClusterArn=cluster["ClusterArn"])["ClusterInfo"]["State"] == "ACTIVE"
    brokers = kafka.get_bootstrap_brokers(ClusterArn=cluster["ClusterArn"])
    assert brokers["BootstrapBrokerStringSaslIam"].count(":9098") == 3
    assert "BootstrapBrokerString" not in brokers and "BootstrapBrokerStringTls" not in brokers
    with pytest.raises(ClientError, match="ConflictException"):
        kafka.delete_configuration(Arn=arn)
    kafka.delete_cluster(ClusterArn=cluster["ClusterArn"])
    kafka.delete_configuration(Arn=arn)
    with pytest.raises(ClientError, match=r"BadRequestException.*Configuration ARN does not exist"):
        kafka.describe_configuration(Arn=arn)
    with pytest.raises(ClientError, match="NotFoundException"):
        kafka.describe_cluster(ClusterArn=cluster["ClusterArn"])


def test_elasticache_parameter_groups_user_groups_and_members(local_aws):
    cache = local_aws.client("elasticache")
    cache.create_cache_parameter_group(CacheParameterGroupName="valkey", CacheParameterGroupFamily="valkey8",
                                       Description="settings")
    cache.modify_cache_parameter_group(CacheParameterGroupName="valkey", ParameterNameValues=[
        {"ParameterName": "maxmemory-policy", "ParameterValue": "volatile-lru"}])
    assert [(p["ParameterName"], p["ParameterValue"]) for p in
            cache.describe_cache_parameters(CacheParameterGroupName="valkey", Source="user")["Parameters"]] == \
        [("maxmemory-policy", "volatile-lru")]
    cache.create_user(UserId="app-default", UserName="default", Engine="redis", AccessString="off -@all",
                      NoPasswordRequired=True)
    cache.create_user(UserId="app", UserName="app", Engine="redis", AccessString="on ~* +@all",
                      AuthenticationMode={"Type": "iam"})
    with pytest.raises(ClientError, match="DefaultUserRequired"):
        cache.create_user_group(UserGroupId="no-default", Engine="redis", UserIds=["app"])
    cache.create_user_group(UserGroupId="users", Engine="redis", UserIds=["app-default", "app"])
    group = cache.create_replication_group(
        ReplicationGroupId="cache", ReplicationGroupDescription="cache", Engine="valkey", EngineVersion="8.0",
        CacheNodeType="cache.t4g.micro", NumCacheClusters=2, CacheParameterGroupName="valkey", UserGroupIds=["users"],
        SecurityGroupIds=["sg-12345678"])["ReplicationGroup"]
    members = cache.describe_cache_clusters(ShowCacheNodeInfo=True)["CacheClusters"]
    assert sorted(m["CacheClusterId"] for m in members) == sorted(group["MemberClusters"]) == ["cache-001", "cache-002"]
    assert {m["CacheParameterGroup"]["CacheParameterGroupName"] for m in members} == {"valkey"}
    assert {m["SecurityGroups"][0]["SecurityGroupId"] for m in members} == {"sg-12345678"}
    assert cache.describe_user_groups(UserGroupId="users")["UserGroups"][0]["ReplicationGroups"] == ["cache"]
    cache.delete_replication_group(ReplicationGroupId="cache")
    assert cache.describe_replication_groups()["ReplicationGroups"] == []
    assert cache.describe_cache_clusters()["CacheClusters"] == []
    with pytest.raises(ClientError, match="CacheParameterGroupNotFound"):
        cache.delete_cache_parameter_group(CacheParameterGroupName="missing")


def test_eks_cluster_nodegroup_addons_access_and_pod_identity(local_aws):
    ec2, eks = local_aws.client("ec2"), local_aws.client("eks")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24", AvailabilityZone="eu-west-1a")["Subnet"]["SubnetId"]
    cluster = eks.create_cluster(
        name="platform", version="1.33", roleArn=f"arn:aws:iam::{local_aws.account_id}:role/cluster",
        resourcesVpcConfig={"subnetIds": [subnet], "endpointPublicAccess": False, "endpointPrivateAccess": True},
        accessConfig={"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False},
        upgradePolicy={"supportType": "STANDARD"}, zonalShiftConfig={"enabled": True})["cluster"]
    vpc_config = cluster["resourcesVpcConfig"]
    assert cluster["accessConfig"]["authenticationMode"] == "API"
    assert (cluster["upgradePolicy"], cluster["zonalShiftConfig"]) == ({"supportType": "STANDARD"}, {"enabled": True})
    assert vpc_config["vpcId"] == vpc and vpc_config["publicAccessCidrs"] == []
    cluster_sg = vpc_config["clusterSecurityGroupId"]
    assert ec2.describe_security_groups(GroupIds=[cluster_sg])["SecurityGroups"][0]["VpcId"] == vpc
    update = eks.update_cluster_config(name="platform", resourcesVpcConfig={"endpointPublicAccess": True,
                                                                            "publicAccessCidrs": ["10.0.0.0/8"]})
    assert eks.describe_update(name="platform", updateId=update["update"]["id"])["update"]["status"] == "Successful"
    merged = eks.describe_cluster(name="platform")["cluster"]["resourcesVpcConfig"]
    assert (merged["subnetIds"], merged["endpointPublicAccess"]) == ([subnet], True)

    template = ec2.create_launch_template(LaunchTemplateName="nodes", LaunchTemplateData={"ImageId": "ami-1"})
    nodegroup = eks.create_nodegroup(
        clusterName="platform", nodegroupName="system", subnets=[subnet],
        nodeRole="arn:aws:iam::111111111111:role/node",
        launchTemplate={"id": template["LaunchTemplate"]["LaunchTemplateId"], "version": "1"},
        instanceTypes=["t3.large"], scalingConfig={"minSize": 1, "maxSize": 3, "desiredSize": 1},
        updateConfig={"maxUnavailablePercentage": 33}, nodeRepairConfig={"enabled": True})["nodegroup"]
    assert "remoteAccess" not in nodegroup and "diskSize" not in nodegroup
    assert nodegroup["updateConfig"] == {"maxUnavailablePercentage": 33}
    assert (nodegroup["nodeRepairConfig"], nodegroup["version"]) == ({"enabled": True}, "1.33")

    addon = eks.create_addon(clusterName="platform", addonName="aws-ebs-csi-driver", podIdentityAssociations=[
        {"serviceAccount": "ebs-csi-controller-sa", "roleArn": "arn:aws:iam::111111111111:role/ebs"}])["addon"]
    [association_arn] = addon["podIdentityAssociations"]
    association = eks.describe_pod_identity_association(clusterName="platform",
                                                        associationId=association_arn.rsplit("/", 1)[1])
    assert association["association"]["ownerArn"] == addon["addonArn"]
    assert eks.list_addons(clusterName="platform")["addons"] == ["aws-ebs-csi-driver"]

    admin = "arn:aws:iam::111111111111:role/platform-admin"
    eks.create_access_entry(clusterName="platform", principalArn=admin, type="STANDARD")
    eks.associate_access_policy(clusterName="platform", principalArn=admin, accessScope={"type": "cluster"},
                                policyArn="arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy")
    assert [p["policyArn"].rsplit("/", 1)[1] for p in eks.list_associated_access_policies(
        clusterName="platform", principalArn=admin)["associatedAccessPolicies"]] == ["AmazonEKSClusterAdminPolicy"]
    eks.tag_resource(resourceArn=addon["addonArn"], tags={"team": "platform"})
    assert eks.list_tags_for_resource(resourceArn=addon["addonArn"])["tags"] == {"team": "platform"}

    eks.delete_addon(clusterName="platform", addonName="aws-ebs-csi-driver")
    assert eks.list_pod_identity_associations(clusterName="platform")["associations"] == []
    eks.delete_nodegroup(clusterName="platform", nodegroupName="system")
    eks.delete_cluster(name="platform")
    with pytest.raises(ClientError, match=r"InvalidGroup\.NotFound"):
        ec2.describe_security_groups(GroupIds=[cluster_sg])


def test_eks_auto_mode_capabilities_round_trip(local_aws):
    ec2, eks = local_aws.client("ec2"), local_aws.client("eks")
    vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.3.1.0/24")["Subnet"]["SubnetId"]
    compute = {"enabled": True, "nodePools": ["general-purpose", "system"],
               "nodeRoleArn": f"arn:aws:iam::{local_aws.account_id}:role/nodes"}
    eks.create_cluster(name="auto", roleArn=f"arn:aws:iam::{local_aws.account_id}:role/cluster",
                       resourcesVpcConfig={"subnetIds": [subnet]}, computeConfig=compute,
                       kubernetesNetworkConfig={"elasticLoadBalancing": {"enabled": True}},
                       storageConfig={"blockStorage": {"enabled": True}})
    cluster = eks.describe_cluster(name="auto")["cluster"]
    assert cluster["computeConfig"] == compute
    assert cluster["kubernetesNetworkConfig"]["elasticLoadBalancing"] == {"enabled": True}
    assert cluster["storageConfig"] == {"blockStorage": {"enabled": True}}
    eks.update_cluster_config(name="auto", computeConfig={**compute, "nodePools": ["general-purpose"]})
    assert eks.describe_cluster(name="auto")["cluster"]["computeConfig"]["nodePools"] == ["general-purpose"]


def test_eks_addon_versions_offer_a_default_and_a_newer_version(local_aws):
    eks = local_aws.client("eks")
    [addon] = eks.describe_addon_versions(addonName="metrics-server", kubernetesVersion="1.34")["addons"]
    newest, default = addon["addonVersions"]
    assert newest["addonVersion"] > default["addonVersion"]
    assert [v["compatibilities"][0]["defaultVersion"] for v in (newest, default)] == [False, True]
    assert {v["compatibilities"][0]["clusterVersion"] for v in (newest, default)} == {"1.34"}


def test_a_zone_created_with_a_vpc_is_private_to_it(local_aws):
    vpc = local_aws.client("ec2").create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    route53 = local_aws.client("route53")
    zone = route53.create_hosted_zone(Name="dev.acme.example", CallerReference="private",
                                      VPC={"VPCRegion": "eu-west-1", "VPCId": vpc})["HostedZone"]
    described = route53.get_hosted_zone(Id=zone["Id"])
    assert described["HostedZone"]["Config"]["PrivateZone"] is True
    assert described["VPCs"] == [{"VPCRegion": "eu-west-1", "VPCId": vpc}]


def test_a_dns_validated_certificate_is_issued_once_its_record_is_public(local_aws):
    acm, route53 = local_aws.client("acm"), local_aws.client("route53")
    arn = acm.request_certificate(DomainName="api.dev.acme.example", ValidationMethod="DNS")["CertificateArn"]
    [option] = acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"]
    record = option["ResourceRecord"]
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "PENDING_VALIDATION"
    private = route53.create_hosted_zone(Name="dev.acme.example", CallerReference="private", VPC={
        "VPCRegion": "eu-west-1", "VPCId": local_aws.client("ec2").create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]})
    public = route53.create_hosted_zone(Name="dev.acme.example", CallerReference="public")
    change = {"Action": "UPSERT", "ResourceRecordSet": {"Name": record["Name"], "Type": "CNAME", "TTL": 300,
                                                        "ResourceRecords": [{"Value": record["Value"]}]}}
    route53.change_resource_record_sets(HostedZoneId=private["HostedZone"]["Id"], ChangeBatch={"Changes": [change]})
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "PENDING_VALIDATION"  # VPC only
    route53.change_resource_record_sets(HostedZoneId=public["HostedZone"]["Id"], ChangeBatch={"Changes": [change]})
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "ISSUED"


def test_a_load_balancer_without_a_scheme_is_internet_facing(local_aws):
    ec2 = local_aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.6.{index}.0/24", AvailabilityZone=f"eu-west-1{zone}")[
        "Subnet"]["SubnetId"] for index, zone in enumerate("ab")]
    [balancer] = local_aws.client("elbv2").create_load_balancer(Name="entry", Subnets=subnets)["LoadBalancers"]
    assert balancer["Scheme"] == "internet-facing"


def test_eks_access_entries_need_the_api_authentication_mode(local_aws):
    ec2, eks = local_aws.client("ec2"), local_aws.client("eks")
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.2.1.0/24")["Subnet"]["SubnetId"]
    eks.create_cluster(name="legacy", roleArn="arn:aws:iam::111111111111:role/cluster",
                       resourcesVpcConfig={"subnetIds": [subnet]})
    with pytest.raises(ClientError, match=r"InvalidRequestException.*authentication mode"):
        eks.create_access_entry(clusterName="legacy", principalArn="arn:aws:iam::111111111111:role/admin")


def test_scalable_targets_carry_tags(local_aws):
    autoscaling = local_aws.client("application-autoscaling")
    arn = autoscaling.register_scalable_target(
        ServiceNamespace="kafka", ResourceId="arn:aws:kafka:eu-west-1:111111111111:cluster/events/1",
        ScalableDimension="kafka:broker-storage:VolumeSize", MinCapacity=1, MaxCapacity=100,
        Tags={"Environment": "dev"})["ScalableTargetARN"]
    autoscaling.tag_resource(ResourceARN=arn, Tags={"Owner": "platform"})
    assert autoscaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Environment": "dev", "Owner": "platform"}


def test_the_printed_inspection_commands_reach_every_account(deployment, local_aws, platform, tmp_path, monkeypatch):
    """What ``make deploy-local`` tells the user to run works, even in a shell that sets its own CA bundle."""
    import boto3
    import certifi

    from local_aws.deploy import aws_cli_config, how_to_inspect

    (tmp_path / "aws-config").write_text(aws_cli_config(platform, endpoint=local_aws.endpoint,
                                                        ca_bundle=local_aws.ca_bundle, region=local_aws.region))
    monkeypatch.setenv("AWS_CA_BUNDLE", certifi.where())  # a shell's own bundle wins over a profile's ca_bundle
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    [export] = [line.split(maxsplit=1)[1] for line in how_to_inspect(tmp_path, "dev", local_aws.ca_bundle).splitlines()
                if line.strip().startswith("export ")]
    for assignment in export.split():
        monkeypatch.setenv(*assignment.split("=", 1))
    accounts = {name: boto3.Session(profile_name=name).client("sts").get_caller_identity()["Account"]
                for name, config in platform.configs() if config.aws.deploy_role_name is not None}
    assert accounts == {name: config.aws.account_id for name, config in platform.configs()
                        if config.aws.deploy_role_name is not None}
    assert set(accounts) >= {"shared", "dev", "staging", "prod"}
