import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.digital_fte.event_backbone.plugins.filter.checksum import checksum_digest

SHA256 = "de54eff4fee2a2207c0b3a90e93ebe715bbd918aabcb774053aa2c4964ea0008"
SHA512 = ("4a1c7e2f" * 16)


@pytest.mark.parametrize("text, name, expected", [
    (SHA256 + "  daprd_linux_amd64.tar.gz\n", "daprd_linux_amd64.tar.gz", SHA256),
    (SHA256.upper(), None, SHA256),
    # Several files listed: the named one is picked.
    ("%s  a.tgz\n%s *b.tgz\n" % ("0" * 128, SHA512), "b.tgz", SHA512),
    # gpg --print-md, as Apache publishes it, folded over lines.
    ("kafka_2.13-4.1.1.tgz: " + " ".join(SHA512.upper()[i:i + 8] for i in range(0, 64, 8))
     + "\n                      " + " ".join(SHA512.upper()[i:i + 8] for i in range(64, 128, 8)) + "\n",
     "kafka_2.13-4.1.1.tgz", SHA512),
])
def test_checksum_digest_reads_published_formats(text, name, expected):
    assert checksum_digest(text, name) == expected


@pytest.mark.parametrize("text, name, message", [
    ("", None, "checksum_digest: empty checksum text"),
    (SHA256 + "  other.tgz\n", "kafka.tgz", "checksum_digest: no checksum for kafka.tgz in the checksum file"),
    ("abc123  kafka.tgz", "kafka.tgz", "checksum_digest: 'abc123' is not a sha256 or sha512 hex digest"),
])
def test_checksum_digest_refuses_what_is_not_a_checksum(text, name, message):
    with pytest.raises(AnsibleFilterError) as err:
        checksum_digest(text, name)
    assert str(err.value) == message
