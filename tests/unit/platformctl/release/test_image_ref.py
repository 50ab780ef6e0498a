"""ImageRef: parsing image references, and the digest rule releases follow."""

from __future__ import annotations

import pytest

from platformctl.release.image_ref import ImageRef, InvalidImageRef

REPO = "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api"
DIGEST = "sha256:" + "0123456789abcdef" * 4


@pytest.mark.parametrize(("text", "repository", "tag", "digest", "canonical"), [
    (f"{REPO}@{DIGEST}", REPO, None, DIGEST, f"{REPO}@{DIGEST}"),
    (f"{REPO}:3f2c1e0@{DIGEST}", REPO, "3f2c1e0", DIGEST, f"{REPO}@{DIGEST}"),
    (f"{REPO}:3f2c1e0", REPO, "3f2c1e0", None, f"{REPO}:3f2c1e0"),
    ("localhost:5000/team/api:v1.2", "localhost:5000/team/api", "v1.2", None, "localhost:5000/team/api:v1.2"),
    ("api", "api", None, None, "api"),
])
def test_parse(text, repository, tag, digest, canonical):
    ref = ImageRef.parse(text)
    assert (ref.repository, ref.tag, ref.digest, str(ref)) == (repository, tag, digest, canonical)


def test_pinned_references_to_one_digest_are_equal_whatever_their_tag():
    assert ImageRef.pinned(f"{REPO}:any@{DIGEST}") == ImageRef.pinned(f"{REPO}:other@{DIGEST}") == \
        ImageRef.pinned(f"{REPO}@{DIGEST}")
    assert ImageRef.pinned(f"{REPO}@{DIGEST}") != ImageRef.pinned(f"{REPO}-other@{DIGEST}")


@pytest.mark.parametrize(("text", "message"), [
    (f"{REPO}:3f2c1e0", "is not pinned by digest"),
    (f"{REPO}", "is not pinned by digest"),
    (f"{REPO}@sha256:abc", "the digest must be sha256:<64 lower-case hex digits>"),
    (f"{REPO}@sha256:{'A' * 64}", "the digest must be sha256:<64 lower-case hex digits>"),
    (f"{REPO}@md5:{'a' * 32}", "the digest must be sha256"),
    (f"{REPO}:-bad@{DIGEST}", "tag '-bad' is not a valid tag"),
    (f"Upper/Case@{DIGEST}", "is not a valid repository name"),
    (f"@{DIGEST}", "is not a valid repository name"),
    ("", "is not a valid repository name"),
])
def test_pinned_refuses_naming_what_is_wrong(text, message):
    with pytest.raises(InvalidImageRef) as refused:
        ImageRef.pinned(text)
    assert message in str(refused.value) and repr(text) in str(refused.value)
